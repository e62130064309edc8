package dev.braid.normalize.functions;

import static dev.braid.normalize.parse.otlp.OtlpTelemetry.REQUEST_SPAN;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.REQUEST_NANOS;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.REQUEST_START;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.TOKEN;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.URL;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.braid.connectors.RawRecord;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.otlp.OtlpParsers;
import dev.braid.normalize.parse.otlp.OtlpTelemetry;
import dev.braid.normalize.redact.Redactor;
import dev.braid.testing.OtlpExports;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Records of the Collector's Kafka exporter, named by the {@code braid.format} header, are read
 * from their bytes and completed like every other record; a payload that is not valid OTLP is a
 * dead letter saying why.
 */
class RawRecordNormalizerOtlpTest {

    private static final long KAFKA_TIME = REQUEST_START.plusSeconds(2).toEpochMilli();
    private static final long MAX_RECORD_BYTES = 1024 * 1024;
    private static final Duration MAX_TIME_AHEAD = Duration.ofMinutes(10);
    private static final long OFFSET = 11;
    private static final String NOT_HEX_TRACE_ID = "zz" + "0".repeat(30);
    private static final int SHORT_SPAN_ID_BYTES = 4;
    private static final String HUGE_EXPONENT = "1e999999999";
    private static final long EXPONENT_TIMEOUT_SECONDS = 5;
    private static final int MANY_SPANS = 4500;
    private static final int HUGE_COMMAND_LINE_CHARS = 64 * 1024;
    private static final String PLAIN_LOG_LINE = "INFO cart checked out";
    private static final String COOKIE = "sid=3f9a0c7e41d2";
    private static final String API_KEY = "k-51f0e2d9c8b7";

    private static OtlpTelemetry.Checkout checkout;
    private final RawRecordNormalizer normalizer = new RawRecordNormalizer(MAX_RECORD_BYTES, MAX_TIME_AHEAD);

    @BeforeAll
    static void recordACheckout() throws Exception {
        checkout = OtlpTelemetry.checkout();
    }

    @Test
    void protobufSpansBecomeCompleteBackendEventsWithTheirOwnTime() {
        RawRecordNormalizer.Result result = normalizer.normalize(raw(OtlpParsers.SPANS, checkout.spans().protobuf()));

        assertThat(result.deadLetter()).isNull();
        assertThat(result.events()).hasSize(checkout.spans().data().size());
        assertThat(result.events()).extracting(NormalizedEvent::getId).doesNotHaveDuplicates().doesNotContainNull();
        assertThat(result.events()).allSatisfy(event -> {
            assertThat(event.getSource()).isEqualTo(Source.BACKEND);
            assertThat(event.getMetadata()).containsEntry("raw.topic", OtlpParsers.SPANS).containsEntry("raw.offset", Long.toString(OFFSET));
            assertThat(event.getTags()).contains("format:" + OtlpParsers.SPANS);
        });
        NormalizedEvent request = result.events().stream()
                .filter(event -> REQUEST_SPAN.equals(event.getMetadata().get("span.name"))).findFirst().orElseThrow();
        assertThat(request.getEventTime()).isEqualTo(REQUEST_START.plusNanos(REQUEST_NANOS).truncatedTo(ChronoUnit.MILLIS));
        assertThat(request.getTraceId()).isEqualTo(checkout.span(REQUEST_SPAN).getTraceId());
    }

    @Test
    void eventsOfOtlpRecordsAreKnownAsSuchAndTextLogLinesAreNot() {
        RawRecord textLine = new RawRecord(Source.BACKEND, "braid.raw.backend", 0, OFFSET, KAFKA_TIME, null,
                PLAIN_LOG_LINE.getBytes(StandardCharsets.UTF_8), Map.of());

        assertThat(normalizer.normalize(raw(OtlpParsers.SPANS, checkout.spans().protobuf())).events()).allMatch(OtlpParsers::produced);
        assertThat(normalizer.normalize(raw(OtlpParsers.LOGS, checkout.logs().json())).events()).allMatch(OtlpParsers::produced);
        assertThat(normalizer.normalize(textLine).events()).singleElement().matches(event -> !OtlpParsers.produced(event));
    }

    @Test
    void aTokenInASpanAttributeIsRedacted() {
        List<NormalizedEvent> events = normalizer.normalize(raw(OtlpParsers.SPANS, checkout.spans().protobuf())).events();

        assertThat(events).allSatisfy(event -> assertThat(event.getMetadata().toString()).doesNotContain(TOKEN));
    }

    /** Semantic conventions record headers as {@code http.request.header.<name>}; their names say they are secret. */
    @Test
    void attributesNamedForACredentialAreMaskedWhole() throws Exception {
        TracesData traces = TracesData.parseFrom(checkout.spans().protobuf());
        Span withSecrets = traces.getResourceSpans(0).getScopeSpans(0).getSpans(0).toBuilder()
                .addAttributes(stringAttribute("http.request.header.cookie", COOKIE))
                .addAttributes(stringAttribute("api_key", API_KEY))
                .build();
        TracesData exported = withFirstSpan(traces, withSecrets);

        NormalizedEvent event = normalizer.normalize(raw(OtlpParsers.SPANS, exported.toByteArray())).events().get(0);

        assertThat(event.getMetadata())
                .containsEntry("attr.http.request.header.cookie", "[REDACTED]")
                .containsEntry("attr.api_key", "[REDACTED]")
                .containsKey("resource.session.id");
        assertThat(event.getMetadata().get("resource.session.id")).isNotEqualTo("[REDACTED]");
    }

    @Test
    void jsonLogsAreNormalizedLikeProtobufOnes() {
        RawRecordNormalizer.Result fromJson = normalizer.normalize(raw(OtlpParsers.LOGS, checkout.logs().json()));
        RawRecordNormalizer.Result fromProtobuf = normalizer.normalize(raw(OtlpParsers.LOGS, checkout.logs().protobuf()));

        assertThat(fromJson.deadLetter()).isNull();
        assertThat(fromJson.events()).hasSize(checkout.logs().data().size());
        assertThat(fromJson.events()).extracting(NormalizedEvent::getMessage)
                .containsExactlyElementsOf(fromProtobuf.events().stream().map(NormalizedEvent::getMessage).toList());
        assertThat(fromJson.events()).extracting(NormalizedEvent::getSource).containsOnly(Source.BACKEND);
    }

    @Test
    void truncatedProtobufIsUnparseable() {
        byte[] protobuf = checkout.spans().protobuf();

        assertDeadLetter(OtlpParsers.SPANS, Arrays.copyOf(protobuf, protobuf.length / 2),
                DeadLetterReason.UNPARSEABLE, "not OTLP protobuf TracesData: ");
    }

    @Test
    void truncatedJsonIsUnparseable() {
        byte[] json = checkout.logs().json();

        assertDeadLetter(OtlpParsers.LOGS, Arrays.copyOf(json, json.length / 2),
                DeadLetterReason.UNPARSEABLE, "not OTLP/JSON LogsData: invalid JSON at line 1");
    }

    @Test
    void aTraceIdThatIsNotHexIsASchemaViolation() {
        String json = new String(checkout.spans().json(), StandardCharsets.UTF_8)
                .replace(checkout.span(REQUEST_SPAN).getTraceId(), NOT_HEX_TRACE_ID);

        assertDeadLetter(OtlpParsers.SPANS, json.getBytes(StandardCharsets.UTF_8),
                DeadLetterReason.SCHEMA_VIOLATION, "OTLP/JSON resourceSpans[0].scopeSpans[0].spans[0].traceId must be hex");
    }

    @Test
    void aTraceIdOfTheWrongLengthIsASchemaViolation() {
        String traceId = checkout.span(REQUEST_SPAN).getTraceId();
        String json = new String(checkout.spans().json(), StandardCharsets.UTF_8).replace(traceId, traceId.substring(0, 16));

        assertDeadLetter(OtlpParsers.SPANS, json.getBytes(StandardCharsets.UTF_8),
                DeadLetterReason.SCHEMA_VIOLATION, "trace id has 8 bytes, not 16");
    }

    /** The Collector batches many senders into one record: one bad span must not hold back the rest. */
    @Test
    void aSpanWithAnIdOfTheWrongLengthIsADeadLetterAloneAndTheOtherSpansArePublished() throws Exception {
        TracesData traces = TracesData.parseFrom(checkout.spans().protobuf());
        Span first = traces.getResourceSpans(0).getScopeSpans(0).getSpans(0);
        Span shortened = first.toBuilder().setSpanId(first.getSpanId().substring(0, SHORT_SPAN_ID_BYTES)).build();
        TracesData broken = withFirstSpan(traces, shortened);
        int spans = checkout.spans().data().size();

        RawRecordNormalizer.Result result = normalizer.normalize(raw(OtlpParsers.SPANS, broken.toByteArray()));

        assertThat(result.events()).hasSize(spans - 1)
                .noneMatch(event -> first.getName().equals(event.getMetadata().get("span.name")));
        DeadLetter letter = result.deadLetter();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
        assertThat(letter.getDetail()).startsWith("1 of " + spans + " spans rejected, kept here alone as OTLP protobuf (the other "
                + (spans - 1) + " were published)").contains("span '" + first.getName() + "' span id has 4 bytes, not 8");
        TracesData rejected = TracesData.parseFrom(letter.getRawValue());
        assertThat(rejected.getResourceSpansList()).singleElement().satisfies(resource -> {
            assertThat(resource.getResource()).isEqualTo(traces.getResourceSpans(0).getResource());
            assertThat(resource.getScopeSpans(0).getSpansList()).containsExactly(shortened);
        });
        assertThat(result.events()).extracting(NormalizedEvent::getId).doesNotContain(letter.getId());
    }

    @Test
    void anExportWhoseEverySpanIsInvalidIsADeadLetterWhole() throws Exception {
        TracesData traces = TracesData.parseFrom(checkout.spans().protobuf());
        TracesData.Builder broken = traces.toBuilder();
        broken.getResourceSpansBuilderList().forEach(resource -> resource.getScopeSpansBuilderList().forEach(scope ->
                scope.getSpansBuilderList().forEach(span -> span.setSpanId(span.getSpanId().substring(0, SHORT_SPAN_ID_BYTES)))));
        byte[] value = broken.build().toByteArray();

        assertDeadLetter(OtlpParsers.SPANS, value, DeadLetterReason.SCHEMA_VIOLATION, "span id has 4 bytes, not 8");
        TracesData kept = TracesData.parseFrom(normalizer.normalize(raw(OtlpParsers.SPANS, value)).deadLetter().getRawValue());
        assertThat(kept.toString()).as("the record whole, its secrets masked").doesNotContain(TOKEN).contains("access_token=[REDACTED]");
        assertThat(kept.getResourceSpansList()).flatExtracting(ResourceSpans::getScopeSpansList)
                .flatExtracting(ScopeSpans::getSpansList).hasSize(checkout.spans().data().size());
    }

    /**
     * Masking the bytes as text would miss an attribute named for a credential, which OTLP writes as
     * key and value, and would break protobuf's lengths, so the letter could not be replayed.
     */
    @Test
    void aRejectedSpanKeptAsADeadLetterHasItsSecretsMaskedAttributeByAttributeAndStaysProtobuf() throws Exception {
        TracesData traces = TracesData.parseFrom(checkout.spans().protobuf());
        Span first = traces.getResourceSpans(0).getScopeSpans(0).getSpans(0);
        Span rejected = first.toBuilder().setSpanId(first.getSpanId().substring(0, SHORT_SPAN_ID_BYTES))
                .addAttributes(stringAttribute("api_key", API_KEY))
                .addAttributes(stringAttribute("http.request.header.cookie", COOKIE))
                .addAttributes(stringAttribute("url.full", URL))
                .build();

        DeadLetter letter = normalizer.normalize(raw(OtlpParsers.SPANS, withFirstSpan(traces, rejected).toByteArray())).deadLetter();

        Span kept = TracesData.parseFrom(letter.getRawValue()).getResourceSpans(0).getScopeSpans(0).getSpans(0);
        assertThat(kept.getAttributesList()).contains(stringAttribute("api_key", Redactor.MASK),
                stringAttribute("http.request.header.cookie", Redactor.MASK),
                stringAttribute("url.full", URL.replace(TOKEN, Redactor.MASK)));
        assertThat(kept.getSpanId()).isEqualTo(rejected.getSpanId());
        assertThat(kept.getName()).isEqualTo(rejected.getName());
    }

    @Test
    void aJsonRecordKeptWholeHasItsSecretAttributesMaskedAndStaysJson() throws Exception {
        String secret = "{\"key\":\"api_key\",\"value\":{\"stringValue\":\"" + API_KEY + "\"}}";
        String json = new String(checkout.spans().json(), StandardCharsets.UTF_8)
                .replace("\"name\":\"" + REQUEST_SPAN + "\"", "\"name\":500")
                .replace("\"resource\":{\"attributes\":[", "\"resource\":{\"attributes\":[" + secret + ",");

        DeadLetter letter = normalizer.normalize(raw(OtlpParsers.SPANS, json.getBytes(StandardCharsets.UTF_8))).deadLetter();

        String kept = StandardCharsets.UTF_8.decode(letter.getRawValue()).toString();
        assertThat(json).contains(API_KEY);
        assertThat(kept).doesNotContain(API_KEY).doesNotContain(TOKEN)
                .contains("{\"key\":\"api_key\",\"value\":{\"stringValue\":\"[REDACTED]\"}}");
        assertThat(Json.parse(kept).path("resourceSpans").size()).isEqualTo(Json.parse(json).path("resourceSpans").size());
    }

    @Test
    void aFieldOfTheWrongTypeIsASchemaViolation() {
        String json = new String(checkout.spans().json(), StandardCharsets.UTF_8)
                .replace("\"name\":\"" + REQUEST_SPAN + "\"", "\"name\":500");

        assertDeadLetter(OtlpParsers.SPANS, json.getBytes(StandardCharsets.UTF_8),
                DeadLetterReason.SCHEMA_VIOLATION, ".name must be a string, found number 500");
    }

    /** BigDecimal would expand it to a billion digits: it must be refused, not computed. */
    @Test
    @Timeout(EXPONENT_TIMEOUT_SECONDS)
    void aTimeInExponentNotationIsASchemaViolationNotABillionDigits() {
        String json = new String(checkout.spans().json(), StandardCharsets.UTF_8)
                .replaceFirst("\"startTimeUnixNano\":\"\\d+\"", "\"startTimeUnixNano\":\"" + HUGE_EXPONENT + "\"");

        assertDeadLetter(OtlpParsers.SPANS, json.getBytes(StandardCharsets.UTF_8),
                DeadLetterReason.SCHEMA_VIOLATION, "startTimeUnixNano must be an integer");
    }

    @Test
    void anExportWithoutSpansIsASchemaViolationInEitherEncoding() throws Exception {
        assertDeadLetter(OtlpParsers.SPANS, OtlpExports.protobufSpans(List.of()),
                DeadLetterReason.SCHEMA_VIOLATION, "OTLP traces record holds no span");
        assertDeadLetter(OtlpParsers.SPANS, OtlpExports.jsonSpans(List.of()),
                DeadLetterReason.SCHEMA_VIOLATION, "OTLP traces record holds no span");
    }

    @Test
    void anExportWithoutLogRecordsIsASchemaViolationInEitherEncoding() throws Exception {
        assertDeadLetter(OtlpParsers.LOGS, OtlpExports.protobufLogs(List.of()),
                DeadLetterReason.SCHEMA_VIOLATION, "OTLP logs record holds no log record");
        assertDeadLetter(OtlpParsers.LOGS, OtlpExports.jsonLogs(List.of()),
                DeadLetterReason.SCHEMA_VIOLATION, "OTLP logs record holds no log record");
    }

    /** 4500 spans, each repeating a resource of 64 K characters: over a quarter of a billion characters in events. */
    @Test
    void aRecordWhoseEventsWouldRepeatItsResourceIntoHundredsOfMegabytesIsOversized() throws Exception {
        byte[] protobuf = OtlpTelemetry.manySpans(MANY_SPANS, HUGE_COMMAND_LINE_CHARS).protobuf();

        assertThat(protobuf.length).isLessThan((int) MAX_RECORD_BYTES);
        assertDeadLetter(OtlpParsers.SPANS, protobuf, DeadLetterReason.OVERSIZED, "its events would repeat more than");
    }

    @Test
    void aDeadLetterKeepsTheBinaryValueByteForByte() {
        byte[] protobuf = checkout.spans().protobuf();
        byte[] truncated = Arrays.copyOf(protobuf, protobuf.length / 2);

        DeadLetter letter = normalizer.normalize(raw(OtlpParsers.SPANS, truncated)).deadLetter();

        assertThat(ByteString.copyFrom(letter.getRawValue())).isEqualTo(ByteString.copyFrom(truncated));
    }

    private void assertDeadLetter(String format, byte[] value, DeadLetterReason reason, String detail) {
        RawRecordNormalizer.Result result = normalizer.normalize(raw(format, value));

        assertThat(result.events()).isEmpty();
        assertThat(result.deadLetter()).isNotNull();
        assertThat(result.deadLetter().getReason()).isEqualTo(reason);
        assertThat(result.deadLetter().getDetail()).contains(detail);
        assertThat(result.deadLetter().getSourceTopic()).isEqualTo(format);
    }

    private static RawRecord raw(String format, byte[] value) {
        return new RawRecord(Source.BACKEND, format, 0, OFFSET, KAFKA_TIME, null, value,
                Map.of(ParseInput.FORMAT_HEADER, format));
    }

    private static TracesData withFirstSpan(TracesData traces, Span span) {
        ResourceSpans resource = traces.getResourceSpans(0);
        return traces.toBuilder().setResourceSpans(0, resource.toBuilder()
                .setScopeSpans(0, resource.getScopeSpans(0).toBuilder().setSpans(0, span))).build();
    }

    private static KeyValue stringAttribute(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }
}
