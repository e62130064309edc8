package dev.braid.cli;

import dev.braid.connectors.TopicSpec;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Checks that fail fast with one clear line instead of a client that retries for minutes. */
public final class Brokers {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Brokers() {}

    /** Fails unless the brokers answer and every topic exists. */
    public static void requireTopics(Properties client, Collection<String> topics) {
        Set<String> existing = topicNames(client);
        List<String> missing = new ArrayList<>();
        for (String topic : topics) {
            if (!existing.contains(topic)) {
                missing.add(topic);
            }
        }
        if (!missing.isEmpty()) {
            throw missingTopics(client, missing);
        }
    }

    /**
     * The partitions of {@code topic} as {@code consumer} finds them, in partition order: one
     * metadata request, where {@link #requireTopics} would start an admin client.
     */
    public static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, Properties client, String topic) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, TIMEOUT);
        } catch (org.apache.kafka.common.errors.TimeoutException | AuthenticationException e) {
            throw unreachable(client, e);
        }
        if (infos.isEmpty()) {
            throw missingTopics(client, List.of(topic));
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        return partitions;
    }

    private static UserError missingTopics(Properties client, List<String> missing) {
        return new UserError("topic(s) " + String.join(", ", missing) + " do not exist on " + client.getProperty("bootstrap.servers")
                + ": start the jobs with 'braid run --create-topics', or pass the right names with --topic");
    }

    /** Creates the topics that do not exist yet, with their partitions and retention; the cluster's replication factor. */
    public static void createMissing(Properties client, List<TopicSpec> topics) throws InterruptedException {
        Set<String> existing = topicNames(client);
        List<NewTopic> missing = new ArrayList<>();
        for (TopicSpec topic : topics) {
            if (!existing.contains(topic.name())) {
                missing.add(new NewTopic(topic.name(), Optional.of(topic.partitions()), Optional.empty()).configs(topic.configs()));
            }
        }
        try (Admin admin = Admin.create(adminProperties(client))) {
            admin.createTopics(missing).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new UserError("could not create topics " + missing.stream().map(NewTopic::name).toList() + ": "
                    + Failures.oneLine(e), e);
        }
    }

    /** The topics on the cluster; fails with a clear line when the brokers do not answer. */
    public static Set<String> topicNames(Properties client) {
        try (Admin admin = Admin.create(adminProperties(client))) {
            return admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(client, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while connecting to Kafka", e);
        }
    }

    /**
     * How many committed records each topic holds with a timestamp at or after {@code time}; topics
     * with none are left out.
     */
    public static Map<String, Long> recordsSince(Properties client, Collection<String> topics, Instant time) {
        try (Admin admin = Admin.create(adminProperties(client))) {
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((topic, description) -> description.partitions()
                            .forEach(partition -> partitions.add(new TopicPartition(topic, partition.partition()))));
            Map<TopicPartition, OffsetSpec> atTime = new HashMap<>();
            Map<TopicPartition, OffsetSpec> atEnd = new HashMap<>();
            partitions.forEach(partition -> {
                atTime.put(partition, OffsetSpec.forTimestamp(time.toEpochMilli()));
                atEnd.put(partition, OffsetSpec.latest());
            });
            ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
            var first = admin.listOffsets(atTime, committed).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            var end = admin.listOffsets(atEnd, committed).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Long> counts = new TreeMap<>();
            first.forEach((partition, offset) -> {
                if (offset.offset() >= 0) { // -1: no record at or after the time
                    counts.merge(partition.topic(), end.get(partition).offset() - offset.offset(), Long::sum);
                }
            });
            counts.values().removeIf(count -> count <= 0);
            return counts;
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(client, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while connecting to Kafka", e);
        }
    }

    /** Why the brokers did not answer, in one line that says what to fix; no credential is in it. */
    static UserError unreachable(Properties client, Exception cause) {
        String servers = client.getProperty("bootstrap.servers");
        for (Throwable failure = cause; failure != null; failure = failure.getCause()) {
            if (failure instanceof SaslAuthenticationException) {
                return new UserError("Kafka at " + servers + " refused the credentials (" + client.getProperty("sasl.mechanism", "SASL")
                        + " authentication failed): check the username and password of sasl.jaas.config in --kafka-config", cause);
            }
            if (failure instanceof SslAuthenticationException) {
                return new UserError("the TLS certificate of Kafka at " + servers + " is not trusted (" + deepestMessage(failure)
                        + "): set ssl.truststore.location and ssl.truststore.password in --kafka-config to a trust store"
                        + " that holds the brokers' CA", cause);
            }
        }
        return new UserError("cannot reach Kafka at " + servers + " within "
                + TIMEOUT.toSeconds() + " s: check --bootstrap-servers and the -X security properties", cause);
    }

    private static String deepestMessage(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return message;
    }

    /**
     * A consumer of what the jobs committed, byte for byte. No group and nothing to commit: reading
     * never moves anyone's offsets.
     */
    public static Properties committedReader(Properties client) {
        Properties consumer = new Properties();
        consumer.putAll(client);
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // asking for a missing topic must not create it
        return consumer;
    }

    /** A producer whose record counts as sent once every replica has it, and whose retries never write twice. */
    public static Properties reliableProducer(Properties client) {
        Properties producer = new Properties();
        producer.putAll(client);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return producer;
    }

    static Properties adminProperties(Properties client) {
        Properties admin = new Properties();
        admin.putAll(client);
        admin.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        admin.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        // One quiet attempt instead of the client's endless reconnect warnings.
        admin.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return admin;
    }
}
