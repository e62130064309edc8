package dev.braid.cli.ingest;

import dev.braid.cli.Brokers;
import dev.braid.cli.UserError;
import dev.braid.normalize.redact.Redactor;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends records to one raw topic, each with the stamps ({@code braid.repo}, ...) and its own
 * headers. Unless told not to, it masks secrets in keys, values and headers with the normalize
 * job's redactor first, so that none reaches the raw topics, which every reader of the cluster
 * may see. Thread-safe: the output readers of {@code --exec} share one.
 */
final class Shipper implements AutoCloseable {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Map<String, String> stamps;
    /** Null when the records go as they are. */
    private final Redactor redactor;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong redacted = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    private Shipper(Producer<byte[], byte[]> producer, String topic, Map<String, String> stamps, Redactor redactor) {
        this.producer = producer;
        this.topic = topic;
        this.redactor = redactor;
        this.stamps = Map.copyOf(stamps);
    }

    /**
     * Connects to the topic; fails with one line when the brokers do not answer or the topic is
     * missing. With {@code redact}, every record is masked as the normalize job masks its output.
     */
    static Shipper open(Properties client, String topic, Map<String, String> stamps, boolean redact) {
        Brokers.requireTopics(client, List.of(topic));
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProperties(client), new ByteArraySerializer(), new ByteArraySerializer());
        return new Shipper(producer, topic, stamps, redact ? new Redactor() : null);
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
                recordHeaders.add(name, scrub(text));
            }
        });
        headers.forEach((name, text) -> recordHeaders.add(name, scrub(text)));
        byte[] shipped = scrub(value);
        if (shipped != value) {
            redacted.incrementAndGet();
        }
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, null, System.currentTimeMillis(), scrub(key), shipped, recordHeaders);
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
        sent.incrementAndGet();
    }

    /** A stream of lines to ship, one record per line, in their order. */
    Lines lines() {
        return new Lines();
    }

    /**
     * Ships the lines of one stream. No line of a private key's body is recognizable alone, so with
     * redaction on, the lines between a key's BEGIN line and its END line are masked whole.
     */
    final class Lines {
        /** A key is at most about 100 lines; a BEGIN without its END does not mask the rest of a log. */
        private static final int MAX_KEY_LINES = 200;
        private static final Pattern BEGIN = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----");
        private static final Pattern END = Pattern.compile("-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----");
        private static final byte[] MASKED = Redactor.MASK.getBytes(StandardCharsets.US_ASCII);

        /** Lines of a key's body shipped so far, or -1 outside a key. */
        private int keyLines = -1;

        private Lines() {}

        void send(byte[] key, byte[] line, Map<String, String> headers) {
            byte[] shipped = redactor == null ? line : maskKeyBody(line);
            if (shipped != line) {
                redacted.incrementAndGet(); // send() sees only the mask
            }
            Shipper.this.send(key, shipped, headers);
        }

        private byte[] maskKeyBody(byte[] line) {
            String text = new String(line, StandardCharsets.ISO_8859_1);
            if (keyLines >= 0) {
                Matcher end = END.matcher(text);
                if (end.find()) {
                    keyLines = -1;
                    return (Redactor.MASK + text.substring(end.start())).getBytes(StandardCharsets.ISO_8859_1);
                }
                keyLines = keyLines + 1 < MAX_KEY_LINES ? keyLines + 1 : -1;
                return MASKED;
            }
            Matcher begin = BEGIN.matcher(text);
            if (begin.find() && !END.matcher(text).find(begin.end())) {
                keyLines = 0;
            }
            return line;
        }
    }

    /** The bytes with their secrets masked, the same array when they hold none or redaction is off. */
    private byte[] scrub(byte[] bytes) {
        return redactor == null ? bytes : redactor.redact(bytes);
    }

    private byte[] scrub(String text) {
        return scrub(text.getBytes(StandardCharsets.UTF_8));
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

    /** Records sent so far whose value had a secret masked. */
    long redacted() {
        return redacted.get();
    }

    String topic() {
        return topic;
    }

    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
