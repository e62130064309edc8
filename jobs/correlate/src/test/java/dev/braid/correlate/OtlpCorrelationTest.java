package dev.braid.correlate;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.TRACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.RawInput;
import dev.braid.connectors.Topics;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.NormalizeJob;
import dev.braid.schema.ChainLink;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.TraceEvent;
import dev.braid.schema.TraceKind;
import dev.braid.testing.BoundedSources;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;
import dev.braid.testing.OtlpExports;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A service instrumented with OpenTelemetry, whose spans and logs reach Kafka through the
 * Collector's Kafka exporter, in the same trace as the browser request that called it and the end
 * to end test that failed on it. The OpenTelemetry Java SDK records them; each signal is written
 * once as {@code otlp_proto} and once as {@code otlp_json}, as the exporter writes either; normalize
 * and correlate run on a real broker and MiniCluster.
 */
class OtlpCorrelationTest {

    private static final String SERVICE = "checkout-api";
    private static final String BROWSER_SPAN = "00f067aa0ba902b7";
    private static final Instant REQUEST_SENT = Instant.ofEpochMilli(T0 + 120_000);
    private static final Instant SERVER_START = REQUEST_SENT.plusMillis(20);
    private static final Instant CHARGE_START = SERVER_START.plusMillis(30);
    private static final Instant DECLINED_AT = SERVER_START.plusMillis(80);
    private static final Instant SERVER_END = SERVER_START.plusMillis(140);
    /** The Collector batches for a moment before it writes. */
    private static final long EXPORTED_AFTER_MS = 1_000;
    /** A log line is written a little after what it reports, and before the request it is part of ends. */
    private static final long LOGGED_AFTER_MS = 2;
    private static final long TEST_FAILED_AFTER_MS = 30_000;

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    private static CorrelatedTrace trace;
    private static List<NormalizedEvent> events;

    @BeforeAll
    static void runNormalizeThenCorrelate() throws Exception {
        Configuration settings = FreshTopics.on(KAFKA);
        settings.set(NormalizeConfig.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        NormalizeConfig normalize = NormalizeConfig.from(settings);
        Topics topics = normalize.topics();
        KAFKA.createTopics(topics.all());
        KAFKA.client().send(scenario(topics));

        StreamExecutionEnvironment normalizeEnv = CorrelateScenarioTest.environment(normalize.checkpointInterval());
        NormalizeJob.wire(normalizeEnv, normalize, BoundedSources.raw(KAFKA.bootstrapServers(), topics));
        normalizeEnv.execute("normalize otlp");
        settings.set(CorrelateConfig.INACTIVITY_GAP, Duration.ofSeconds(60));
        CorrelateConfig correlate = CorrelateConfig.from(settings);
        StreamExecutionEnvironment correlateEnv = CorrelateScenarioTest.environment(correlate.checkpointInterval());
        CorrelateJob.wire(correlateEnv, correlate, BoundedSources.avro(KAFKA.bootstrapServers(), topics.events(), NormalizedEvent.class));
        correlateEnv.execute("correlate otlp");

        events = AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.events()), NormalizedEvent.class);
        List<CorrelatedTrace> traces = AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.traces()), CorrelatedTrace.class);
        trace = traces.stream().filter(t -> t.getKind() == TraceKind.TRACE && t.getTraceId().equals(TRACE))
                .reduce((older, newer) -> newer.getVersion() > older.getVersion() ? newer : older).orElseThrow();
    }

    @Test
    void everySpanAndLogRecordOfBothEncodingsComesOutAsABackendEventOfItsService() {
        List<NormalizedEvent> otlp = events.stream().filter(event -> event.getKind().equals("span") || event.getKind().equals("log")).toList();

        assertThat(otlp).hasSize(4).allSatisfy(event -> {
            assertThat(event.getSource()).isEqualTo(Source.BACKEND);
            assertThat(event.getTraceId()).isEqualTo(TRACE);
            assertThat(event.getKeys().getService()).isEqualTo(SERVICE);
        });
        assertThat(otlp).extracting(event -> event.getTags().stream().filter(tag -> tag.startsWith("format:")).findFirst().orElseThrow())
                .containsExactlyInAnyOrder("format:otlp_spans", "format:otlp_spans", "format:otlp_logs", "format:otlp_logs");
        assertThat(otlp).filteredOn(event -> event.getKind().equals("span")).extracting(NormalizedEvent::getEventTime)
                .containsExactlyInAnyOrder(SERVER_END, DECLINED_AT);
    }

    @Test
    void theBrowserRequestTheServiceAndTheFailingTestAreOneTrace() {
        assertThat(trace.getSourceCounts()).containsOnlyKeys("browser", "backend", "test");
        assertThat(trace.getEvents()).extracting(TraceEvent::getKind)
                .containsExactly("network.request", "span", "log", "log", "span", "test.result");
        assertThat(trace.getEvents()).filteredOn(event -> event.getSource().equals("backend"))
                .extracting(TraceEvent::getService).containsOnly(SERVICE);
    }

    @Test
    void theChainRunsFromTheRequestThroughTheServicesErrorToTheFailingTest() {
        assertThat(trace.getFirstError().getSource()).isEqualTo("backend");
        assertThat(trace.getFirstError().getMessage()).as("the failed charge, not the request it failed")
                .contains(SERVICE, "charge card", "card declined");
        assertThat(trace.getCausalChain()).extracting(ChainLink::getRole)
                .containsSubsequence("browser_request", "backend_error", "failing_test");
    }

    /** The request as the browser, the Collector and the test runner put it on the raw topics. */
    private static List<ProducerRecord<byte[], byte[]>> scenario(Topics topics) throws Exception {
        List<SpanData> spans = new CopyOnWriteArrayList<>();
        List<LogRecordData> logs = new CopyOnWriteArrayList<>();
        Resource resource = Resource.create(Attributes.builder()
                .put("service.name", SERVICE)
                .put("deployment.environment.name", "dev")
                .build());
        try (SdkTracerProvider tracing = SdkTracerProvider.builder().setResource(resource)
                        .addSpanProcessor(SimpleSpanProcessor.create(OtlpExports.recording(spans))).build();
                SdkLoggerProvider logging = SdkLoggerProvider.builder().setResource(resource)
                        .addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpExports.recordingLogs(logs))).build()) {
            recordCheckout(tracing.get("dev.acme.checkout"), logging.get("dev.acme.checkout"));
        }
        SpanData server = spans.stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        SpanData charge = spans.stream().filter(span -> span.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        long exported = SERVER_END.toEpochMilli() + EXPORTED_AFTER_MS;

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(raw(topics.raw(Source.BROWSER), REQUEST_SENT.toEpochMilli(), browserRequest().getBytes(StandardCharsets.UTF_8)));
        records.add(raw(topics.input(RawInput.OTLP_SPANS), exported, OtlpExports.protobufSpans(List.of(server))));
        records.add(raw(topics.input(RawInput.OTLP_SPANS), exported, OtlpExports.jsonSpans(List.of(charge))));
        records.add(raw(topics.input(RawInput.OTLP_LOGS), exported, OtlpExports.jsonLogs(List.of(logs.get(0)))));
        records.add(raw(topics.input(RawInput.OTLP_LOGS), exported, OtlpExports.protobufLogs(List.of(logs.get(1)))));
        long failed = REQUEST_SENT.toEpochMilli() + TEST_FAILED_AFTER_MS;
        records.add(raw(topics.raw(Source.TEST), failed, failingTest(failed).getBytes(StandardCharsets.UTF_8)));
        return records;
    }

    /** The server span, continuing the browser's traceparent; the card charge it made, which failed; two logs inside. */
    private static void recordCheckout(Tracer tracer, Logger logger) {
        SpanContext browser = SpanContext.createFromRemoteParent(TRACE, BROWSER_SPAN, TraceFlags.getSampled(), TraceState.getDefault());
        Span server = tracer.spanBuilder("POST /api/checkout").setSpanKind(SpanKind.SERVER)
                .setParent(Context.root().with(Span.wrap(browser)))
                .setStartTimestamp(SERVER_START)
                .setAttribute("http.request.method", "POST")
                .setAttribute("http.route", "/api/checkout")
                .startSpan();
        Context inServer = Context.root().with(server);
        Span charge = tracer.spanBuilder("charge card").setSpanKind(SpanKind.CLIENT).setParent(inServer)
                .setStartTimestamp(CHARGE_START).startSpan();
        charge.setStatus(StatusCode.ERROR, "card declined");
        charge.end(DECLINED_AT);
        logger.logRecordBuilder().setContext(inServer).setTimestamp(DECLINED_AT.plusMillis(LOGGED_AFTER_MS))
                .setSeverity(Severity.ERROR).setBody("payment declined for cart 7").emit();
        logger.logRecordBuilder().setContext(inServer).setTimestamp(SERVER_END.minusMillis(LOGGED_AFTER_MS))
                .setSeverity(Severity.WARN).setBody("checkout answered 502").emit();
        server.setAttribute("http.response.status_code", 502L);
        server.setStatus(StatusCode.ERROR);
        server.end(SERVER_END);
    }

    private static String browserRequest() {
        return "{\"method\":\"Network.requestWillBeSent\",\"params\":{\"requestId\":\"912.4\",\"wallTime\":"
                + REQUEST_SENT.toEpochMilli() / 1000.0 + ",\"type\":\"Fetch\",\"request\":{\"url\":\"http://localhost:3000/api/checkout\","
                + "\"method\":\"POST\",\"headers\":{\"traceparent\":\"00-" + TRACE + "-" + BROWSER_SPAN + "-01\"}}}}";
    }

    private static String failingTest(long at) {
        return "{\"numTotalTests\":1,\"startTime\":" + at + ",\"testResults\":[{\"name\":\"/repo/e2e/checkout.test.ts\","
                + "\"status\":\"failed\",\"startTime\":" + at + ",\"endTime\":" + (at + 900) + ",\"message\":\"\","
                + "\"assertionResults\":[{\"ancestorTitles\":[\"checkout\"],\"title\":\"pays by card\","
                + "\"fullName\":\"checkout pays by card\",\"status\":\"failed\",\"duration\":900,"
                + "\"failureMessages\":[\"Error: checkout returned 502 (trace_id=" + TRACE + ")\"]}]}]}";
    }

    /** A record as its producer writes it: the Collector sets no key and no headers. */
    private static ProducerRecord<byte[], byte[]> raw(String topic, long timestamp, byte[] value) {
        return new ProducerRecord<>(topic, null, timestamp, null, value);
    }
}
