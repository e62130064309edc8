package dev.braid.cli.observe;

import dev.braid.cli.Brokers;
import dev.braid.cli.UserError;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Reads the committed records of a topic, from a cursor or a time, up to the end the topic had
 * when the scan opened, merging its partitions by record timestamp (event time for Braid's
 * outputs). Within a partition records keep their offset order, which makes {@link #position()}
 * an exact cursor: a page that stops after any record resumes right after it.
 */
final class TopicScan implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STALL = Duration.ofSeconds(15);
    /** Partitions this far ahead of the slowest stop fetching, which bounds memory. */
    private static final int MAX_BUFFERED = 5_000;

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffers = new TreeMap<>(
            (a, b) -> Integer.compare(a.partition(), b.partition()));
    private final Map<TopicPartition, Long> ends;

    private TopicScan(String topic, KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        this.topic = topic;
        this.consumer = consumer;
        this.ends = ends;
        ends.keySet().forEach(partition -> buffers.put(partition, new ArrayDeque<>()));
    }

    /**
     * Opens a scan of every partition, starting at the cursor, else at the first record stamped at
     * or after {@code since}, else at the beginning.
     */
    static TopicScan open(Properties client, String topic, Cursor cursor, Instant since) {
        return open(client, topic, cursor, since, partitions -> partitions);
    }

    /** Opens a scan of the one partition Kafka's default partitioner (murmur2) put {@code key} in. */
    static TopicScan openPartitionOf(Properties client, String topic, String key, Instant since) {
        int hash = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)));
        return open(client, topic, null, since, partitions -> List.of(partitions.get(hash % partitions.size())));
    }

    private static TopicScan open(Properties client, String topic, Cursor cursor, Instant since,
            UnaryOperator<List<TopicPartition>> select) {
        Brokers.requireTopics(client, List.of(topic));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(client));
        try {
            List<TopicPartition> assigned = select.apply(partitionsOf(consumer, topic));
            consumer.assign(assigned);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(assigned));
            seek(consumer, assigned, cursor, since, ends);
            return new TopicScan(topic, consumer, ends);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** The next record in timestamp order, or null when every partition reached its end. */
    ConsumerRecord<byte[], byte[]> next() {
        fetchUntilEveryUnfinishedPartitionHasAHead();
        TopicPartition earliest = null;
        for (Map.Entry<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> entry : buffers.entrySet()) {
            ConsumerRecord<byte[], byte[]> head = entry.getValue().peekFirst();
            if (head != null && (earliest == null || head.timestamp() < buffers.get(earliest).peekFirst().timestamp())) {
                earliest = entry.getKey();
            }
        }
        return earliest == null ? null : buffers.get(earliest).pollFirst();
    }

    /**
     * A cursor at the first record {@link #next()} has not returned yet. Records fetched past the
     * scan's end were not buffered, so an exhausted partition resumes at that end.
     */
    Cursor position() {
        Map<Integer, Long> offsets = new TreeMap<>();
        buffers.forEach((partition, buffer) -> offsets.put(partition.partition(),
                buffer.isEmpty() ? Math.min(consumer.position(partition), ends.get(partition)) : buffer.peekFirst().offset()));
        return new Cursor(topic, offsets);
    }

    /** A cursor at {@code record}, which {@link #next()} returned but the caller did not use. */
    Cursor positionBefore(ConsumerRecord<byte[], byte[]> record) {
        Map<Integer, Long> offsets = new TreeMap<>(position().offsets());
        offsets.put(record.partition(), record.offset());
        return new Cursor(topic, offsets);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }

    private void fetchUntilEveryUnfinishedPartitionHasAHead() {
        long deadline = System.nanoTime() + STALL.toNanos();
        while (hasUnfinishedEmptyPartition()) {
            pauseFullPartitions();
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            for (TopicPartition partition : records.partitions()) {
                for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                    if (record.offset() < ends.get(partition)) {
                        buffers.get(partition).addLast(record);
                    }
                }
            }
            if (!records.isEmpty()) {
                deadline = System.nanoTime() + STALL.toNanos();
            } else if (System.nanoTime() > deadline) {
                throw new UserError("Kafka stopped returning records of " + topic + " for " + STALL.toSeconds() + " s");
            }
        }
    }

    private boolean hasUnfinishedEmptyPartition() {
        for (Map.Entry<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> entry : buffers.entrySet()) {
            if (entry.getValue().isEmpty() && consumer.position(entry.getKey()) < ends.get(entry.getKey())) {
                return true;
            }
        }
        return false;
    }

    private void pauseFullPartitions() {
        List<TopicPartition> full = new ArrayList<>();
        List<TopicPartition> open = new ArrayList<>();
        buffers.forEach((partition, buffer) -> (buffer.size() >= MAX_BUFFERED ? full : open).add(partition));
        consumer.pause(full);
        consumer.resume(open);
    }

    /** The topic's partitions in partition order. */
    private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        return partitions;
    }

    private static void seek(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Cursor cursor, Instant since,
            Map<TopicPartition, Long> ends) {
        if (cursor != null) {
            for (TopicPartition partition : partitions) {
                Long offset = cursor.offsets().get(partition.partition());
                if (offset == null) {
                    throw new UserError("--cursor does not cover partition " + partition.partition() + " of " + partition.topic()
                            + ": the topic gained partitions since; start again without --cursor");
                }
                consumer.seek(partition, offset);
            }
        } else if (since != null) {
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(partition -> times.put(partition, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp found = offsets.get(partition);
                consumer.seek(partition, found == null ? ends.get(partition) : found.offset());
            }
        } else {
            consumer.seekToBeginning(partitions);
        }
    }

    private static Properties consumerProperties(Properties client) {
        Properties consumer = Brokers.committedReader(client);
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        return consumer;
    }
}
