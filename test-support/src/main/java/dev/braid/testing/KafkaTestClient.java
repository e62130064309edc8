package dev.braid.testing;

import dev.braid.connectors.ConsumerGroups;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Produces raw bytes and reads topics back with read_committed, as a data consumer would. */
public final class KafkaTestClient {

    private final String bootstrapServers;

    public KafkaTestClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Sends the records, waits until the broker acknowledged all, and says where each landed. */
    public List<RecordMetadata> send(List<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> config =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : records) {
                acks.add(producer.send(record));
            }
            List<RecordMetadata> landed = new ArrayList<>();
            for (Future<RecordMetadata> ack : acks) {
                landed.add(ack.get());
            }
            return landed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("send failed", e.getCause());
        }
    }

    /** Every committed record of the topic, from the beginning to its current end. */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return read(topic, "read_committed");
    }

    /** Every record written so far, open and aborted transactions included: what a careless reader sees. */
    public List<ConsumerRecord<byte[], byte[]>> readUncommitted(String topic) {
        return read(topic, "read_uncommitted");
    }

    private List<ConsumerRecord<byte[], byte[]>> read(String topic, String isolation) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        read(topic, isolation, Duration.ofSeconds(60), records::add);
        return records;
    }

    /**
     * Hands every committed record of the topic, from the beginning to its current end, to
     * {@code each} without keeping them: for topics too large to hold in memory.
     */
    public void forEachCommitted(String topic, Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        read(topic, "read_committed", timeout, each);
    }

    private void read(String topic, String isolation, Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer(isolation)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed, endOffsets is the last stable offset: everything committed so far.
            // Transaction markers take offsets too, so reading ends on position, not on a count.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + topic + " up to " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    /** Polls {@link #readCommitted} until it holds at least {@code count} records or the time is up. */
    public List<ConsumerRecord<byte[], byte[]>> awaitCommitted(String topic, int count, Duration timeout)
            throws InterruptedException {
        return awaitCommitted(topic, records -> records.size() >= count, timeout);
    }

    /** Polls {@link #readCommitted} until what it holds satisfies {@code done} or the time is up. */
    public List<ConsumerRecord<byte[], byte[]>> awaitCommitted(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(topic);
        while (!done.test(records) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            records = readCommitted(topic);
        }
        return records;
    }

    /**
     * Waits until a sink has written past the {@code committed} records of the topic: a transaction
     * is open, so a job killed now dies mid-stream.
     */
    public void awaitOpenTransaction(String topic, int committed, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (readUncommitted(topic).size() <= committed) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no record past the first " + committed + " was written to " + topic);
            }
            Thread.sleep(20);
        }
    }

    /** Waits until the consumer group has committed the end of every partition of the topics: see {@link ConsumerGroups}. */
    public void awaitConsumed(String groupId, Collection<String> topics, Duration timeout) throws InterruptedException {
        ConsumerGroups.awaitConsumed(bootstrapServers, groupId, topics, timeout);
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** A consumer of what transactions committed, in no group: for readers that poll on their own. */
    public KafkaConsumer<byte[], byte[]> committedConsumer() {
        return newConsumer("read_committed");
    }

    private KafkaConsumer<byte[], byte[]> newConsumer(String isolation) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
