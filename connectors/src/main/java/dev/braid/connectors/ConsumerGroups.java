package dev.braid.connectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** What a consumer group, such as a job's Kafka source, has committed. */
public final class ConsumerGroups {

    private ConsumerGroups() {}

    /**
     * Waits until the consumer group has committed the end of every partition of the topics. A Flink
     * Kafka source commits its offsets when a checkpoint completes, and that checkpoint's barrier
     * followed the records through every operator: by then the job has processed all of them.
     */
    public static void awaitConsumed(String bootstrapServers, String groupId, Collection<String> topics, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            Map<TopicPartition, Long> end = afterLastRecord(consumer, consumer.endOffsets(partitions));
            while (!committedUpTo(admin, groupId, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("group " + groupId + " did not commit the ends " + end);
                }
                Thread.sleep(100);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not read the offsets of group " + groupId, e.getCause());
        }
    }

    /**
     * The offset after each partition's last record. A transactional topic ends with a commit
     * marker, which takes an offset but is no record: a source commits the offset after the last
     * record it read, one short of the end.
     */
    private static Map<TopicPartition, Long> afterLastRecord(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> target = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            target.put(partition.getKey(), lastRecord(consumer, partition.getKey(), partition.getValue()) + 1);
        }
        return target;
    }

    /** The offset of the partition's last committed record before {@code end}, or -1. */
    private static long lastRecord(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long end) {
        consumer.assign(List.of(partition));
        // Markers sit between transactions; look back far enough to pass a few of them.
        for (long from = end - 1; from >= Math.max(0, end - 16); from--) {
            consumer.seek(partition, from);
            long last = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            // The position passes markers too: once it reaches the end, everything from 'from' was seen.
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    last = Math.max(last, record.offset());
                }
            }
            if (last >= 0) {
                return last;
            }
        }
        return end == 0 ? -1 : end - 1;
    }

    private static boolean committedUpTo(Admin admin, String groupId, Map<TopicPartition, Long> end)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            OffsetAndMetadata offset = committed.get(e.getKey());
            long position = offset == null ? 0 : offset.offset();
            if (position < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
