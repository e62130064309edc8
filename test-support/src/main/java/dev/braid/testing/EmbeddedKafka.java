package dev.braid.testing;

import dev.braid.connectors.TopicSpec;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * A real one-node KRaft Kafka broker inside this JVM, on loopback. Used by the tests and by the
 * embedded local run.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats and starts a combined broker and controller; returns when it accepts clients. */
    public static EmbeddedKafka start() {
        try {
            KafkaClusterTestKit cluster =
                    new KafkaClusterTestKit.Builder(
                                    new TestKitNodes.Builder()
                                            .setCombined(true)
                                            .setNumBrokerNodes(1)
                                            .setNumControllerNodes(1)
                                            .build())
                            // One node: without these, an exactly-once sink waits forever in initTransactions.
                            .setConfigProp("transaction.state.log.replication.factor", "1")
                            .setConfigProp("transaction.state.log.min.isr", "1")
                            .setConfigProp("offsets.topic.replication.factor", "1")
                            .setConfigProp("offsets.topic.num.partitions", "3")
                            .setConfigProp("transaction.state.log.num.partitions", "3")
                            .setConfigProp("group.initial.rebalance.delay.ms", "0")
                            // Scenarios run on fixed event times, which may be ahead of this machine's
                            // clock; Kafka 4 refuses record timestamps more than an hour ahead by default.
                            .setConfigProp("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE))
                            .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the in-JVM Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-JVM Kafka broker: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates the topics that do not exist yet (replication factor 1). */
    public void createTopics(Collection<TopicSpec> topics) {
        List<NewTopic> newTopics =
                topics.stream()
                        .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()))
                        .toList();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            for (NewTopic topic : newTopics) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + topic.name(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
