package dev.braid.normalize;

import dev.braid.connectors.Topics;
import dev.braid.testing.SecretCorpus;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Source;
import dev.braid.testing.Fixtures;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Raw record streams built from the real-tool fixtures, with the bad input a production topic
 * sees: malformed, oversized, non-UTF-8 and empty records, producer retries, and secrets.
 */
final class RawFixtures {

    /** 2026-11-21T10:00:00Z: the producer timestamp of the first record. */
    static final long T0 = 1_795_255_200_000L;

    private static final List<String> LINE_FIXTURES = List.of(
            "backend/pino.log", "backend/node-console.log", "backend/python-logging-default.log",
            "backend/python-logging-asctime.log", "backend/structlog-console.log", "backend/structlog-json.log",
            "backend/go-log.log", "backend/go-slog-json.log", "backend/go-slog-text.log", "backend/zap.log",
            "backend/logback.log", "backend/logback-springboot.log", "backend/docker-json.log",
            "browser/cdp-events.jsonl", "browser/web-vitals.jsonl", "git/post-commit.jsonl",
            "agent/agent-events.jsonl");

    private static final List<String> WHOLE_FILE_FIXTURES = List.of(
            "test/jest-report.json", "test/go-test.jsonl", "test/pytest-junit.xml", "browser/a11y-violations.json",
            "ci/workflow_job-queued.json", "ci/workflow_job-in_progress.json", "ci/workflow_job-completed.json",
            "ci/workflow_job-completed-failure.json", "ci/ec2-spot-interruption.json");

    private final Topics topics;
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    /** For each record, the index of the record it repeats, or its own index. */
    private final List<Integer> originals = new ArrayList<>();
    private final Map<DeadLetterReason, Integer> expectedDeadLetters = new EnumMap<>(DeadLetterReason.class);
    private int duplicates;

    private RawFixtures(Topics topics) {
        this.topics = topics;
    }

    /**
     * Every fixture of every source, each secret of the corpus in a backend log line, in a CDP
     * request header and in a malformed record, plus one record of each bad kind and retries.
     */
    static RawFixtures mixedStream(Topics topics) {
        RawFixtures stream = new RawFixtures(topics);
        LINE_FIXTURES.forEach(stream::linesOf);
        WHOLE_FILE_FIXTURES.forEach(fixture -> stream.wholeFile(sourceOf(fixture), fixture));
        stream.wholeFile(Source.GIT, "ci/push.json");
        for (SecretCorpus secret : SecretCorpus.all()) {
            stream.add(Source.BACKEND, "secrets.log",
                    "2026-11-21 10:00:00,000 ERROR checkout request failed: " + secret.text());
            stream.add(Source.BROWSER, "cdp", cdpRequestWithHeader(secret.text()));
            stream.badRecord(Source.BROWSER, "{\"method\":\"Runtime.consoleAPICalled\",\"params\":{\"args\":[\"" + secret.text(),
                    DeadLetterReason.UNPARSEABLE);
        }
        stream.badRecord(Source.BACKEND, new byte[] {(byte) 0xC3, (byte) 0x28, 'o', 'k'}, DeadLetterReason.NOT_UTF8);
        stream.badRecord(Source.BACKEND, ("x".repeat(70 * 1024) + " password=oversizedSecret42").getBytes(StandardCharsets.UTF_8),
                DeadLetterReason.OVERSIZED);
        stream.badRecord(Source.GIT, (byte[]) null, DeadLetterReason.EMPTY); // a tombstone
        stream.badRecord(Source.CI, "{\"hello\":\"no ci format has this shape\"}", DeadLetterReason.UNKNOWN_FORMAT);
        stream.retryEvery(25);
        return stream;
    }

    /** {@code count} distinct pino log lines on the backend topic, from sequence number {@code first}. */
    static RawFixtures pinoLines(Topics topics, int first, int count) {
        RawFixtures stream = new RawFixtures(topics);
        for (int i = first; i < first + count; i++) {
            stream.add(Source.BACKEND, "api-" + (i % 4),
                    "{\"level\":30,\"time\":" + (T0 + i) + ",\"pid\":7,\"hostname\":\"api\",\"seq\":" + i
                            + ",\"msg\":\"request " + i + " done\"}");
        }
        return stream;
    }

    List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    int distinctRecords() {
        return records.size() - duplicates;
    }

    /** The index of the original record of the i-th record sent: a retry maps to what it repeats. */
    int originalOf(int index) {
        return originals.get(index);
    }

    Map<DeadLetterReason, Integer> expectedDeadLetters() {
        return expectedDeadLetters;
    }

    private void linesOf(String fixture) {
        Source source = sourceOf(fixture);
        String key = fixture.substring(fixture.indexOf('/') + 1);
        for (String line : Fixtures.text("fixtures/" + fixture).split("\n")) {
            if (!line.isBlank()) {
                add(source, key, line);
            }
        }
    }

    private void wholeFile(Source source, String fixture) {
        add(source, fixture, Fixtures.text("fixtures/" + fixture));
    }

    private static Source sourceOf(String fixture) {
        return Source.valueOf(fixture.substring(0, fixture.indexOf('/')).toUpperCase());
    }

    private void add(Source source, String key, String value) {
        add(source, key, value.getBytes(StandardCharsets.UTF_8));
    }

    private void add(Source source, String key, byte[] value) {
        originals.add(records.size());
        records.add(new ProducerRecord<>(topics.raw(source), null, T0 + records.size(),
                key.getBytes(StandardCharsets.UTF_8), value));
    }

    private void badRecord(Source source, String value, DeadLetterReason reason) {
        badRecord(source, value.getBytes(StandardCharsets.UTF_8), reason);
    }

    private void badRecord(Source source, byte[] value, DeadLetterReason reason) {
        add(source, "bad", value);
        expectedDeadLetters.merge(reason, 1, Integer::sum);
    }

    /** A producer retry: the same record, same key, value and timestamp, sent again. */
    private void retryEvery(int step) {
        int original = records.size();
        for (int i = 0; i < original; i += step) {
            ProducerRecord<byte[], byte[]> r = records.get(i);
            if (r.value().length > 0) {
                originals.add(i);
                records.add(new ProducerRecord<>(r.topic(), null, r.timestamp(), r.key(), r.value()));
                duplicates++;
            }
        }
    }

    private static String cdpRequestWithHeader(String secret) {
        String escaped = secret.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return "{\"method\":\"Network.requestWillBeSent\",\"params\":{\"requestId\":\"r1\",\"wallTime\":1795255200.5,"
                + "\"request\":{\"url\":\"http://127.0.0.1:8765/api/orders\",\"method\":\"POST\","
                + "\"headers\":{\"X-Debug\":\"" + escaped + "\",\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}},"
                + "\"type\":\"Fetch\"}}";
    }
}
