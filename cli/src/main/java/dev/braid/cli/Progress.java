package dev.braid.cli;

import dev.braid.connectors.Topics;
import dev.braid.schema.AlertFamily;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counts of a local run: raw records in, and the committed records the jobs published
 * (events, traces, alerts, fixes), printed with their rates every two seconds.
 */
final class Progress implements AutoCloseable {

    private static final Duration EVERY = Duration.ofSeconds(2);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final PrintWriter out;
    private final Thread thread;
    private final AtomicLong raw = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong traces = new AtomicLong();
    private final AtomicLong alerts = new AtomicLong();
    private final AtomicLong fixes = new AtomicLong();
    private final long started = System.nanoTime();
    private volatile long lastChange = System.nanoTime();
    private volatile boolean running = true;
    private long lastRaw;
    private long lastEvents;

    private Progress(String bootstrapServers, Topics topics, PrintWriter out) {
        Properties client = new Properties();
        client.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.consumer = new KafkaConsumer<>(Brokers.committedReader(client));
        this.topics = topics;
        this.out = out;
        this.thread = new Thread(this::count, "braid-progress");
        thread.setDaemon(true);
    }

    static Progress start(String bootstrapServers, Topics topics, PrintWriter out) {
        Progress progress = new Progress(bootstrapServers, topics, out);
        progress.thread.start();
        return progress;
    }

    void rawSent() {
        raw.incrementAndGet();
        lastChange = System.nanoTime();
    }

    /** Waits until nothing new was published for {@code quiet}; false if {@code timeout} passed first. */
    boolean awaitQuiet(Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - lastChange < quiet.toNanos()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
        print();
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join();
    }

    private void count() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : outputTopics()) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        long nextPrint = System.nanoTime() + EVERY.toNanos();
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    counterOf(record.topic()).incrementAndGet();
                    lastChange = System.nanoTime();
                }
                if (System.nanoTime() > nextPrint) {
                    print();
                    nextPrint += EVERY.toNanos();
                }
            }
        } catch (WakeupException stopping) {
            // close() ends the loop
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private synchronized void print() {
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        long rawNow = raw.get();
        long eventsNow = events.get();
        out.printf("  %3ds  raw in %4d (%3d/s)   events %4d (%3d/s)   traces %3d   alerts %3d   fixes %2d%n", seconds,
                rawNow, (rawNow - lastRaw) / EVERY.toSeconds(), eventsNow, (eventsNow - lastEvents) / EVERY.toSeconds(),
                traces.get(), alerts.get(), fixes.get());
        out.flush();
        lastRaw = rawNow;
        lastEvents = eventsNow;
    }

    private AtomicLong counterOf(String topic) {
        if (topic.equals(topics.events())) {
            return events;
        }
        if (topic.equals(topics.traces())) {
            return traces;
        }
        return topic.equals(topics.fixes()) ? fixes : alerts;
    }

    private List<String> outputTopics() {
        List<String> names = new ArrayList<>(List.of(topics.events(), topics.traces(), topics.fixes()));
        for (AlertFamily family : AlertFamily.values()) {
            names.add(topics.alerts(family));
        }
        return names;
    }
}
