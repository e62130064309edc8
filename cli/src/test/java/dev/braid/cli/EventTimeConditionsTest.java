package dev.braid.cli;

import dev.braid.cli.LocalJobs.Job;
import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.Topics;
import dev.braid.normalize.functions.ParseRawRecord;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.TraceEvent;
import dev.braid.schema.TraceKind;
import dev.braid.testing.Fixtures;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three jobs on their production wiring, fed what a development loop really sends: clocks
 * that disagree, test reports uploaded after their run, lulls, and history shipped next to live
 * traffic. Every trace, bundle and alert still comes out, and the metrics account for the rest.
 */
class EventTimeConditionsTest {

    static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension(METRICS);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String OLD_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String LIVE_TRACE = "5b8aa5a2d2c872e8321cf37308d69df2";
    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void skewedClocksALateTestReportAndALullLoseNoTraceBundleOrAlert() throws Exception {
        Configuration config = quickConfig();
        // Behind the watermark, the bundle's context is kept 2 x (bundle window + idleness) of wall
        // time, while normalize may hold the error line, the last before the lull, for its 5 s
        // out-of-orderness: as in production (70 s against 5 s), the context must outlive the hold
        // with room for checkpoints on a loaded machine.
        config.setString("braid.correlate.idleness", "6 s");
        Topics topics = Topics.from(config);
        JobClient job = startAllJobs(config, "skewed clocks");

        long now = System.currentTimeMillis();
        List<ProducerRecord<byte[], byte[]>> shipped = new ArrayList<>();
        shipped.addAll(browserTwoHoursAhead(topics, now));
        shipped.addAll(backendThreeMinutesBehind(topics, now));
        shipped.addAll(testReportsUploadedTenMinutesLate(topics, now));
        KAFKA.client().send(shipped);
        // ... and then nothing: every source goes idle and the watermarks stand still.

        // The trace may come out first with the browser's request alone, then again with the backend's line.
        List<CorrelatedTrace> traces = AvroRecords.decodeAll(KAFKA.client().awaitCommitted(topics.traces(),
                records -> everythingCameOut(AvroRecords.decodeAll(records, CorrelatedTrace.class)), PATIENCE), CorrelatedTrace.class);
        List<Alert> flaky = AvroRecords.decodeAll(
                KAFKA.client().awaitCommitted(topics.alerts(AlertFamily.FLAKY_TESTS), 1, PATIENCE), Alert.class);
        long clamped = FlinkMiniCluster.counted(METRICS, job.getJobID(), ParseRawRecord.CLAMPED);
        long unparseable = FlinkMiniCluster.counted(METRICS, job.getJobID(), ParseRawRecord.deadLetterMetric(DeadLetterReason.UNPARSEABLE));
        job.cancel().get();

        assertThat(traces).filteredOn(trace -> trace.getKind() == TraceKind.TRACE)
                .allSatisfy(trace -> assertThat(trace.getTraceId()).isEqualTo(TRACE));
        assertThat(newestVersion(traces, TRACE).getEvents()).extracting(TraceEvent::getSource)
                .as("the backend's line, three minutes behind, and the browser's request, clamped to its shipping time")
                .containsExactly("backend", "browser");
        assertThat(bundledMessages(traces))
                .as("the payment service's error, the last before the lull, and the failing test of the late report")
                .contains(List.of("charging card", "card declined"), List.of("FAILED checkout › rejects a weak password (40 ms)"));
        assertThat(flaky).first().satisfies(alert -> assertThat(alert.getRule()).isEqualTo("flaky-test"));
        assertThat(clamped).as("the browser's two records").isEqualTo(2);
        assertThat(unparseable).isZero();
    }

    @Test
    void historyShippedNextToLiveTrafficIsPublishedAndCorrelatedWhileLiveTracesCloseOnTime() throws Exception {
        Configuration config = quickConfig();
        // Yesterday's trace is replayed by wall time: closed when quiet, kept for the lateness after.
        // A checkpoint between its lines in normalize holds the third back by a checkpoint's time,
        // which on a loaded machine outlasted 2 s of lateness (CI failed that way); as in production
        // (1 min), the lateness must outlive a checkpoint.
        config.setString("braid.correlate.allowed-lateness", "30 s");
        Topics topics = Topics.from(config);
        JobClient job = startAllJobs(config, "history next to live traffic");
        long now = System.currentTimeMillis();
        long yesterday = now - 24 * HOUR;
        List<ProducerRecord<byte[], byte[]>> history = new ArrayList<>(List.of(
                record(topics.raw(Source.TEST), "week-old", now, jestReport(now - 7 * 24 * HOUR, "failed"),
                        Map.of("braid.repo", "acme/shop", "braid.branch", "main", "braid.run-id", "week-old")),
                record(topics.raw(Source.TEST), "go", now, Fixtures.text("fixtures/test/go-test.jsonl"),
                        Map.of("braid.repo", "acme/shop", "braid.branch", "main", "braid.run-id", "go"))));
        for (int i = 0; i < 3; i++) {
            history.add(record(topics.raw(Source.BACKEND), "old-api", now,
                    pino(30, yesterday + i * 1_000, "old request " + i + "\",\"trace_id\":\"" + OLD_TRACE), Map.of("braid.service", "api")));
        }
        KAFKA.client().send(history);

        long deadline = System.nanoTime() + PATIENCE.toNanos();
        List<CorrelatedTrace> traces = List.of();
        for (int tick = 0; !bothTracesComplete(traces) && System.nanoTime() < deadline; tick++) {
            KAFKA.client().send(List.of(record(topics.raw(Source.BACKEND), "live-api", System.currentTimeMillis(),
                    pino(30, System.currentTimeMillis(), "live request " + tick + "\",\"trace_id\":\"" + (tick < 3 ? LIVE_TRACE : liveTick(tick))),
                    Map.of("braid.service", "api"))));
            Thread.sleep(250); // live traffic: one line every quarter second
            traces = AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.traces()), CorrelatedTrace.class);
        }
        List<NormalizedEvent> events = AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.events()), NormalizedEvent.class);
        long closedWhileQuiet = FlinkMiniCluster.counted(METRICS, job.getJobID(), "tracesClosedWhileQuiet");
        job.cancel().get();

        assertThat(events).filteredOn(event -> "api".equals(event.getKeys().getService())
                        && event.getEventTime().toEpochMilli() < now - HOUR)
                .as("yesterday's three lines").hasSize(3);
        assertThat(events).filteredOn(event -> event.getSource() == Source.TEST)
                .extracting(event -> event.getMetadata().get("raw.partition") + "@" + event.getMetadata().get("raw.offset"))
                .as("both old reports made events").satisfies(records -> assertThat(Set.copyOf(records)).hasSize(2));
        assertThat(newestVersion(traces, OLD_TRACE).getEvents()).as("one trace, however the watermark moved").hasSize(3);
        assertThat(traces).filteredOn(trace -> trace.getTraceId().equals(LIVE_TRACE)).singleElement().satisfies(trace -> {
            assertThat(trace.getEvents()).hasSize(3);
            assertThat(trace.getClosedBy()).as("by event time, the watermark kept moving").isEqualTo(CloseReason.INACTIVITY);
        });
        assertThat(closedWhileQuiet).as("live traffic kept the watermark moving").isZero();
    }

    /**
     * Waits for content, not for a first version: a checkpoint can fall between yesterday's lines
     * in normalize, and on a loaded machine the trace may then close with two before the third joins.
     */
    private static boolean bothTracesComplete(List<CorrelatedTrace> traces) {
        CorrelatedTrace old = newestVersion(traces, OLD_TRACE);
        CorrelatedTrace live = newestVersion(traces, LIVE_TRACE);
        return old != null && old.getEvents().size() == 3 && live != null && live.getEvents().size() == 3;
    }

    /** A trace id of its own for each live line after the third, so the live trace ends. */
    private static String liveTick(int tick) {
        return String.format("%032x", tick);
    }

    /** Gaps and waits short enough for a test; the mechanisms are those of the defaults. */
    private static boolean everythingCameOut(List<CorrelatedTrace> traces) {
        CorrelatedTrace trace = newestVersion(traces, TRACE);
        return trace != null && trace.getEvents().size() == 2
                && bundledMessages(traces).contains(List.of("charging card", "card declined"));
    }

    /** The highest version of a trace, which replaces every lower one; null if none came out. */
    private static CorrelatedTrace newestVersion(List<CorrelatedTrace> traces, String traceId) {
        return traces.stream().filter(trace -> trace.getTraceId().equals(traceId))
                .max(Comparator.comparing(CorrelatedTrace::getVersion)).orElse(null);
    }

    /** The messages of each error bundle's newest version. */
    private static List<List<String>> bundledMessages(List<CorrelatedTrace> traces) {
        return traces.stream().filter(trace -> trace.getKind() == TraceKind.ERROR_BUNDLE)
                .map(CorrelatedTrace::getTraceId).distinct()
                .map(id -> newestVersion(traces, id).getEvents().stream().map(TraceEvent::getMessage).toList())
                .toList();
    }

    private static Configuration quickConfig() {
        Configuration config = BoundedJobs.configure(FreshTopics.on(KAFKA));
        for (String quick : List.of("braid.correlate.inactivity-gap", "braid.correlate.bundle-window",
                "braid.correlate.allowed-lateness", "braid.normalize.idleness", "braid.correlate.idleness",
                "braid.detect.idleness")) {
            config.setString(quick, "2 s");
        }
        KAFKA.createTopics(Topics.from(config).all());
        return config;
    }

    private static JobClient startAllJobs(Configuration config, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        JobDefaults.apply(env, Duration.ofMillis(500));
        LocalJobs.wire(env, EnumSet.allOf(Job.class), config.toMap());
        return env.executeAsync(name);
    }

    private static List<ProducerRecord<byte[], byte[]>> browserTwoHoursAhead(Topics topics, long now) {
        double wallSeconds = (now + 2 * HOUR) / 1000.0;
        String request = "{\"method\":\"Network.requestWillBeSent\",\"sessionId\":\"S1\",\"params\":{\"requestId\":\"R1\","
                + "\"request\":{\"url\":\"http://shop.test/api/checkout\",\"method\":\"POST\","
                + "\"headers\":{\"traceparent\":\"00-" + TRACE + "-00f067aa0ba902b7-01\"}},\"wallTime\":" + wallSeconds + "}}";
        String console = "{\"method\":\"Runtime.consoleAPICalled\",\"sessionId\":\"S1\",\"params\":{\"type\":\"log\","
                + "\"args\":[{\"type\":\"string\",\"value\":\"checkout clicked\"}],\"executionContextId\":1,"
                + "\"timestamp\":" + (now + 2 * HOUR + 1) + "}}";
        return List.of(record(topics.raw(Source.BROWSER), "S1", now, request, Map.of()),
                record(topics.raw(Source.BROWSER), "S1", now, console, Map.of()));
    }

    private static List<ProducerRecord<byte[], byte[]>> backendThreeMinutesBehind(Topics topics, long now) {
        long behind = now - 3 * MINUTE;
        return List.of(
                record(topics.raw(Source.BACKEND), "checkout", now, pino(50, behind, "checkout failed\",\"trace_id\":\"" + TRACE),
                        Map.of("braid.service", "checkout")),
                record(topics.raw(Source.BACKEND), "payments", now, pino(30, behind + 500, "charging card"),
                        Map.of("braid.service", "payments")),
                record(topics.raw(Source.BACKEND), "payments", now, pino(50, behind + 1_000, "card declined"),
                        Map.of("braid.service", "payments")));
    }

    /** Two runs of one commit, one green and one red, each uploaded ten minutes after it started. */
    private static List<ProducerRecord<byte[], byte[]>> testReportsUploadedTenMinutesLate(Topics topics, long now) {
        List<ProducerRecord<byte[], byte[]>> reports = new ArrayList<>();
        for (String status : List.of("passed", "failed")) {
            long started = now - 10 * MINUTE + ("failed".equals(status) ? MINUTE : 0);
            reports.add(record(topics.raw(Source.TEST), "run-" + status, now, jestReport(started, status), Map.of("braid.repo", "acme/shop",
                    "braid.branch", "main", "braid.commit", "9c1e5f0a9c1e5f0a9c1e5f0a9c1e5f0a9c1e5f0a", "braid.run-id", "run-" + status)));
        }
        return reports;
    }

    /** A Jest {@code --json} report of one case, started at {@code started}. */
    private static String jestReport(long started, String status) {
        return "{\"numTotalTests\":1,\"startTime\":" + started + ",\"testResults\":[{\"name\":\"/shop/checkout.test.js\","
                + "\"startTime\":" + started + ",\"endTime\":" + (started + 40) + ",\"assertionResults\":[{"
                + "\"ancestorTitles\":[\"checkout\"],\"title\":\"rejects a weak password\",\"status\":\"" + status + "\","
                + "\"duration\":40,\"failureMessages\":" + ("failed".equals(status) ? "[\"Expected 422, got 500\"]" : "[]")
                + "}]}]}";
    }

    private static String pino(int level, long time, String message) {
        return "{\"level\":" + level + ",\"time\":" + time + ",\"pid\":7,\"hostname\":\"api\",\"msg\":\"" + message + "\"}";
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, long shippedAt, String value,
            Map<String, String> headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, shippedAt,
                key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        headers.forEach((name, header) -> record.headers().add(new RecordHeader(name, header.getBytes(StandardCharsets.UTF_8))));
        return record;
    }
}
