package dev.braid.correlate;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.TRACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.Topics;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.NormalizeJob;
import dev.braid.schema.ChainLink;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.SuspectCommit;
import dev.braid.schema.TraceEvent;
import dev.braid.schema.TraceKind;
import dev.braid.testing.BoundedSources;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One request across browser, backend, tests and git, through the normalize and correlate jobs on
 * a real broker and MiniCluster: a commit breaks checkout password validation, the browser's POST
 * carries a traceparent, the backend logs a 500 with that trace id, and the end-to-end test that
 * was green on the previous commit fails on this one, printing the trace id.
 */
class CorrelateScenarioTest {

    static final String REPO = "acme/shop";
    static final String GOOD_COMMIT = "1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6";
    static final String BAD_COMMIT = "9c1e5f0d2b7a4e6c8d3f1a0b5e7c9d2f4a6b8c0e";

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    private static List<CorrelatedTrace> traces;

    @BeforeAll
    static void runNormalizeThenCorrelate() throws Exception {
        Configuration settings = FreshTopics.on(KAFKA);
        settings.set(NormalizeConfig.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        NormalizeConfig normalize = NormalizeConfig.from(settings);
        Topics topics = normalize.topics();
        KAFKA.createTopics(topics.all());
        KAFKA.client().send(scenario(topics));

        runNormalize(normalize);
        settings.set(CorrelateConfig.INACTIVITY_GAP, Duration.ofSeconds(60));
        runCorrelate(CorrelateConfig.from(settings));
        traces = AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.traces()), CorrelatedTrace.class);
    }

    @Test
    void theRequestComesOutAsExactlyOneTraceAcrossBrowserBackendAndTest() {
        List<CorrelatedTrace> byTraceId = traces.stream().filter(t -> t.getKind() == TraceKind.TRACE).toList();

        assertThat(byTraceId).hasSize(1);
        CorrelatedTrace trace = byTraceId.get(0);
        assertThat(trace.getTraceId()).isEqualTo(TRACE);
        assertThat(trace.getSourceCounts()).containsOnlyKeys("browser", "backend", "test");
        assertThat(trace.getFirstError().getSource()).isEqualTo("backend");
    }

    @Test
    void theTraceTellsTheCausalChainFromRequestToSuspectCommit() {
        CorrelatedTrace trace = theTrace();

        assertThat(trace.getCausalChain()).extracting(ChainLink::getRole)
                .containsExactly("browser_request", "backend_error", "failing_test", "suspect_commit");
        assertThat(trace.getSuspectCommits()).extracting(SuspectCommit::getSha).containsExactly(BAD_COMMIT);
        assertThat(trace.getCausalChain().get(3).getSummary()).contains("Tighten password validation");
    }

    @Test
    void anErrorWithoutTraceIdIsBundledWithItsNeighboursOfTheSameService() {
        List<CorrelatedTrace> bundles = traces.stream().filter(t -> t.getKind() == TraceKind.ERROR_BUNDLE).toList();

        assertThat(bundles).hasSize(1);
        assertThat(bundles.get(0).getEvents()).extracting(TraceEvent::getMessage)
                .containsExactly("charging card for order 1182", "payment provider timed out after 3000 ms");
    }

    private static CorrelatedTrace theTrace() {
        return traces.stream().filter(t -> t.getTraceId().equals(TRACE)).findFirst().orElseThrow();
    }

    private static List<ProducerRecord<byte[], byte[]>> scenario(Topics topics) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(raw(topics.raw(Source.GIT), 0, commit(GOOD_COMMIT, "Add checkout password rules", "2026-11-21T10:00:00Z"), null));
        records.add(raw(topics.raw(Source.TEST), 30_000, jestReport("passed", 30_000, ""), GOOD_COMMIT));
        records.add(raw(topics.raw(Source.GIT), 60_000, commit(BAD_COMMIT, "Tighten password validation", "2026-11-21T10:01:00Z"), null));
        records.add(raw(topics.raw(Source.BROWSER), 120_000,
                "{\"method\":\"Network.requestWillBeSent\",\"params\":{\"requestId\":\"812.5\",\"wallTime\":" + (T0 + 120_000) / 1000.0
                        + ",\"type\":\"Fetch\",\"request\":{\"url\":\"http://localhost:3000/api/checkout\",\"method\":\"POST\","
                        + "\"headers\":{\"traceparent\":\"00-" + TRACE + "-00f067aa0ba902b7-01\"}}}}", null));
        records.add(raw(topics.raw(Source.BACKEND), 120_100,
                "{\"level\":50,\"time\":" + (T0 + 120_100) + ",\"pid\":7,\"hostname\":\"shop-api\",\"trace_id\":\"" + TRACE
                        + "\",\"msg\":\"POST /api/checkout failed with 500: password rejected\"}", null));
        records.add(raw(topics.raw(Source.TEST), 150_000, jestReport("failed", 150_000,
                "Error: checkout returned 500 (trace_id=" + TRACE + ")"), BAD_COMMIT));
        records.add(raw(topics.raw(Source.BACKEND), 198_000,
                "{\"level\":30,\"time\":" + (T0 + 198_000) + ",\"hostname\":\"pay\",\"msg\":\"charging card for order 1182\"}", null));
        records.add(raw(topics.raw(Source.BACKEND), 200_000,
                "{\"level\":50,\"time\":" + (T0 + 200_000) + ",\"hostname\":\"pay\",\"msg\":\"payment provider timed out after 3000 ms\"}", null));
        return records;
    }

    private static String commit(String sha, String message, String time) {
        return "{\"type\":\"git.commit\",\"repo\":\"" + REPO + "\",\"branch\":\"main\",\"sha\":\"" + sha + "\",\"parents\":[],"
                + "\"author\":{\"name\":\"Dana Dev\",\"email\":\"dana@acme.test\"},\"time\":\"" + time + "\","
                + "\"message\":\"" + message + "\",\"files\":[{\"status\":\"M\",\"path\":\"src/checkout/validate.ts\"}]}";
    }

    private static String jestReport(String status, long offset, String failure) {
        String failures = failure.isEmpty() ? "[]" : "[\"" + failure + "\"]";
        return "{\"numTotalTests\":1,\"startTime\":" + (T0 + offset) + ",\"testResults\":[{\"name\":\"/repo/e2e/checkout.test.ts\","
                + "\"status\":\"" + status + "\",\"startTime\":" + (T0 + offset) + ",\"endTime\":" + (T0 + offset + 900) + ",\"message\":\"\","
                + "\"assertionResults\":[{\"ancestorTitles\":[\"checkout\"],\"title\":\"validates password\","
                + "\"fullName\":\"checkout validates password\",\"status\":\"" + status + "\",\"duration\":900,"
                + "\"failureMessages\":" + failures + "}]}]}";
    }

    /** A raw record as a shipper sends it, stamped with repo, branch, service and, for test runs, the commit. */
    private static ProducerRecord<byte[], byte[]> raw(String topic, long offset, String value, String commit) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, T0 + offset,
                "shop".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        header(record, "braid.repo", REPO);
        header(record, "braid.branch", "main");
        header(record, "braid.service", value.contains("\"pay\"") ? "payments" : "shop-api");
        if (commit != null) {
            header(record, "braid.commit", commit);
        }
        return record;
    }

    private static void header(ProducerRecord<byte[], byte[]> record, String name, String value) {
        record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    private static void runNormalize(NormalizeConfig config) throws Exception {
        StreamExecutionEnvironment env = environment(config.checkpointInterval());
        Topics topics = config.topics();
        NormalizeJob.wire(env, config, BoundedSources.raw(KAFKA.bootstrapServers(), topics));
        env.execute("normalize scenario");
    }

    private static void runCorrelate(CorrelateConfig config) throws Exception {
        StreamExecutionEnvironment env = environment(config.checkpointInterval());
        Topics topics = config.topics();
        CorrelateJob.wire(env, config, BoundedSources.avro(KAFKA.bootstrapServers(), topics.events(), NormalizedEvent.class));
        env.execute("correlate scenario");
    }

    /** A job environment of the shared MiniCluster, checkpointing as the jobs do. */
    static StreamExecutionEnvironment environment(Duration checkpointInterval) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        JobDefaults.apply(env, checkpointInterval);
        return env;
    }
}
