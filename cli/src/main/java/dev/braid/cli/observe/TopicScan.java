package dev.braid.cli.observe;

import dev.braid.cli.Brokers;
import dev.braid.cli.UserError;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads the committed records of a topic from a time up to a fixed end per partition: the end the
 * topic had when the first page opened, so that every page of an observation reads the same
 * records. Records come in no useful order (a partition holds them as the jobs wrote them, not in
 * event time): callers that show an order sort what they read.
 */
final class TopicScan implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STALL = Duration.ofSeconds(15);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> ends;
    private final long olderRecords;
    private Iterator<ConsumerRecord<byte[], byte[]>> batch = Collections.emptyIterator();

    private TopicScan(String topic, KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends, long olderRecords) {
        this.topic = topic;
        this.consumer = consumer;
        this.ends = ends;
        this.olderRecords = olderRecords;
    }

    /** Every partition, from the first record stamped at or after {@code since} (null: the beginning) to its end now. */
    static TopicScan open(Properties client, String topic, Instant since) {
        return open(client, topic, since, null);
    }

    /**
     * Every partition, from {@code since} to the ends a previous scan reported ({@link #ends()}),
     * or to the ends now when {@code ends} is null.
     */
    static TopicScan open(Properties client, String topic, Instant since, Map<Integer, Long> ends) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(client));
        try {
            return open(topic, consumer, Brokers.partitionsOf(consumer, client, topic), since, ends);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** The one partition Kafka's default partitioner (murmur2) put {@code key} in. */
    static TopicScan openPartitionOf(Properties client, String topic, String key, Instant since) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(client));
        try {
            List<TopicPartition> partitions = Brokers.partitionsOf(consumer, client, topic);
            int hash = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)));
            return open(topic, consumer, List.of(partitions.get(hash % partitions.size())), since, null);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    private static TopicScan open(String topic, KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
            Instant since, Map<Integer, Long> fixedEnds) {
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
        if (fixedEnds != null) {
            // A partition added since the first page has nothing in that page's snapshot.
            ends.replaceAll((partition, end) -> Math.min(end, fixedEnds.getOrDefault(partition.partition(), 0L)));
        }
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> starts = since == null ? beginnings : firstOffsetsAt(consumer, since, ends);
        long older = 0;
        for (TopicPartition partition : partitions) {
            long start = Math.max(starts.get(partition), beginnings.get(partition));
            consumer.seek(partition, start);
            older += Math.min(start, ends.get(partition)) - beginnings.get(partition);
        }
        return new TopicScan(topic, consumer, ends, older);
    }

    /** The next record of the scan, in no particular order, or null when every partition reached its end. */
    ConsumerRecord<byte[], byte[]> next() {
        long deadline = System.nanoTime() + STALL.toNanos();
        while (true) {
            while (batch.hasNext()) {
                ConsumerRecord<byte[], byte[]> record = batch.next();
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    return record;
                }
            }
            if (!pauseFinishedPartitions()) {
                return null;
            }
            var records = consumer.poll(POLL);
            if (!records.isEmpty()) {
                batch = records.iterator();
                deadline = System.nanoTime() + STALL.toNanos();
            } else if (System.nanoTime() > deadline) {
                throw new UserError("Kafka stopped returning records of " + topic + " for " + STALL.toSeconds() + " s");
            }
        }
    }

    /** Where this scan stops in each partition: pass it back to read the same records on the next page. */
    Map<Integer, Long> ends() {
        Map<Integer, Long> byNumber = new TreeMap<>();
        ends.forEach((partition, end) -> byNumber.put(partition.partition(), end));
        return byNumber;
    }

    /** How many records the topic still holds before the scan's start: what a wider {@code --since} would add. */
    long olderRecords() {
        return olderRecords;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }

    /** Pauses the partitions read to their end; false once all are. */
    private boolean pauseFinishedPartitions() {
        List<TopicPartition> finished = new ArrayList<>();
        ends.forEach((partition, end) -> {
            if (consumer.position(partition) >= end) {
                finished.add(partition);
            }
        });
        consumer.pause(finished);
        return finished.size() < ends.size();
    }

    private static Map<TopicPartition, Long> firstOffsetsAt(KafkaConsumer<?, ?> consumer, Instant since,
            Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> times = new HashMap<>();
        ends.keySet().forEach(partition -> times.put(partition, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        // Kafka's answer is the first offset stamped at or after the time: every record before it is older.
        ends.forEach((partition, end) -> offsets.put(partition, found.get(partition) == null ? end : found.get(partition).offset()));
        return offsets;
    }

    private static Properties consumerProperties(Properties client) {
        Properties consumer = Brokers.committedReader(client);
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        return consumer;
    }
}
