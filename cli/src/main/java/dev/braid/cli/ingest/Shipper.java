package dev.braid.cli.ingest;

import dev.braid.cli.Brokers;
import dev.braid.cli.UserError;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends records to one raw topic, each with the stamps ({@code braid.repo}, ...) and its own
 * headers. Thread-safe: the output readers of {@code --exec} share one.
 */
final class Shipper implements AutoCloseable {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Map<String, String> stamps;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    private Shipper(Producer<byte[], byte[]> producer, String topic, Map<String, String> stamps) {
        this.producer = producer;
        this.topic = topic;
        this.stamps = Map.copyOf(stamps);
    }

    /** Connects to the topic; fails with one line when the brokers do not answer or the topic is missing. */
    static Shipper open(Properties client, String topic, Map<String, String> stamps) {
        Brokers.requireTopics(client, List.of(topic));
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProperties(client), new ByteArraySerializer(), new ByteArraySerializer());
        return new Shipper(producer, topic, stamps);
    }

    static Properties producerProperties(Properties client) {
        Properties producer = Brokers.reliableProducer(client);
        producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A test report may be as large as normalize accepts plus headers; compressed, it fits the broker's limit.
        producer.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(TestReport.MAX_BYTES + 64 * 1024));
        return producer;
    }

    void send(byte[] key, byte[] value, Map<String, String> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        // A record's own header, such as the commit of one commit of a range, wins over the stamp.
        stamps.forEach((name, text) -> {
            if (!headers.containsKey(name)) {
                recordHeaders.add(name, text.getBytes(StandardCharsets.UTF_8));
            }
        });
        headers.forEach((name, text) -> recordHeaders.add(name, text.getBytes(StandardCharsets.UTF_8)));
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, System.currentTimeMillis(), key, value, recordHeaders);
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
        sent.incrementAndGet();
    }

    /** Returns once the brokers acknowledged every record sent so far; fails if any could not be written. */
    void flush() {
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            throw new UserError("could not ship to " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Records sent so far; after a {@link #flush()} that returned, all of them are on the brokers. */
    long sent() {
        return sent.get();
    }

    String topic() {
        return topic;
    }

    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
