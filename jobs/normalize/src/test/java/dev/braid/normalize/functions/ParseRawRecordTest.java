package dev.braid.normalize.functions;

import dev.braid.connectors.RawRecord;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.StackTraces;
import dev.braid.normalize.parse.otlp.OtlpParsers;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;

class ParseRawRecordTest {

    private static final int MAX_RECORD_BYTES = 1024;
    /** 2026-11-21T10:00:00Z: the Kafka timestamp of the test records. */
    private static final long KAFKA_TIME = 1_795_269_600_000L;
    private static final String BACKEND_TOPIC = "braid.raw.backend";
    private static final String PLAIN_LINE = "payment provider slow to respond";
    private static final String PINO_LINE =
            "{\"level\":50,\"time\":1795269601234,\"pid\":7,\"hostname\":\"api\",\"msg\":\"order failed\"}";

    private static final int TRACE_ID_BYTES = 16;
    private static final int SPAN_ID_BYTES = 8;

    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;

    private OneInputStreamOperatorTestHarness<RawRecord, NormalizedEvent> harness;

    private static String pino(long time) {
        return "{\"level\":30,\"time\":" + time + ",\"pid\":7,\"hostname\":\"api\",\"msg\":\"order placed\"}";
    }

    @BeforeEach
    void openHarness() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new ParseRawRecord(MAX_RECORD_BYTES, Duration.ofMinutes(10)));
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void backendLineBecomesAnEventWithProvenanceAndKafkaTimeAsItsEventTime() throws Exception {
        send(backend(42, KAFKA_TIME, PLAIN_LINE, Map.of()));

        NormalizedEvent event = onlyEvent();
        assertThat(event.getSource()).isEqualTo(Source.BACKEND);
        assertThat(event.getKind()).isEqualTo("log");
        assertThat(event.getMessage()).isEqualTo(PLAIN_LINE);
        assertThat(event.getEventTime()).as("the line says no time").isEqualTo(Instant.ofEpochMilli(KAFKA_TIME));
        assertThat(event.getIngestTime()).isNotNull();
        assertThat(event.getId()).matches("[0-9a-f]{32}");
        assertThat(event.getTags()).contains("format:plain");
        assertThat(event.getMetadata())
                .containsEntry("raw.topic", BACKEND_TOPIC)
                .containsEntry("raw.partition", "2")
                .containsEntry("raw.offset", "42")
                .containsEntry("raw.key", "checkout.log");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void timeWrittenInTheRecordWinsOverTheKafkaTimestamp() throws Exception {
        send(backend(43, KAFKA_TIME, PINO_LINE, Map.of()));

        NormalizedEvent event = onlyEvent();
        assertThat(event.getEventTime()).isEqualTo(Instant.ofEpochMilli(1795269601234L));
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
    }

    @Test
    void eventTimeFarAheadOfTheShippersClockIsClampedToItKeepingTheOriginal() throws Exception {
        send(backend(1, KAFKA_TIME, pino(KAFKA_TIME + 2 * HOUR), Map.of()));

        NormalizedEvent event = onlyEvent();
        assertThat(event.getEventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TIME));
        assertThat(event.getMetadata()).containsEntry("time.clamped-from", Instant.ofEpochMilli(KAFKA_TIME + 2 * HOUR).toString());
    }

    @Test
    void eventTimeAheadOfTheShippersClockWithinTheBoundIsKept() throws Exception {
        send(backend(1, KAFKA_TIME, pino(KAFKA_TIME + 3 * MINUTE), Map.of()));

        assertThat(onlyEvent().getEventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TIME + 3 * MINUTE));
        assertThat(onlyEvent().getMetadata()).doesNotContainKey("time.clamped-from");
    }

    @Test
    void lineWithoutATimeShippedAmidLastWeeksHistoryLandsInLastWeek() throws Exception {
        long lastWeek = KAFKA_TIME - 7 * 24 * HOUR;
        send(backend(1, KAFKA_TIME, pino(lastWeek), Map.of()));
        send(backend(2, KAFKA_TIME + 500, PLAIN_LINE, Map.of()));

        NormalizedEvent timeless = harness.extractOutputValues().get(1);
        assertThat(timeless.getEventTime()).as("the history's time, moved on by the shipping time between them")
                .isEqualTo(Instant.ofEpochMilli(lastWeek + 500));
        assertThat(timeless.getMetadata()).containsEntry("time.inferred-from", "neighbour");
    }

    @Test
    void lineWithoutATimeAndNoRecentNeighbourTakesItsKafkaTimestamp() throws Exception {
        send(backend(1, KAFKA_TIME, pino(KAFKA_TIME - 7 * 24 * HOUR), Map.of()));
        send(backend(2, KAFKA_TIME + 2 * MINUTE, PLAIN_LINE, Map.of()));

        NormalizedEvent timeless = harness.extractOutputValues().get(1);
        assertThat(timeless.getEventTime()).isEqualTo(Instant.ofEpochMilli(KAFKA_TIME + 2 * MINUTE));
        assertThat(timeless.getMetadata()).containsEntry("time.inferred-from", "kafka");
    }

    @Test
    void ingestHeadersFillRepoBranchAndCommit() throws Exception {
        send(backend(44, KAFKA_TIME, PLAIN_LINE, Map.of(
                "braid.repo", "acme/shop",
                "braid.branch", "feature/checkout",
                "braid.commit", "9fceb02d0ae598e95dc970b74767f19372d61af8",
                "braid.service", "checkout")));

        NormalizedEvent event = onlyEvent();
        assertThat(event.getKeys().getRepo()).isEqualTo("acme/shop");
        assertThat(event.getKeys().getBranch()).isEqualTo("feature/checkout");
        assertThat(event.getKeys().getCommit()).isEqualTo("9fceb02d0ae598e95dc970b74767f19372d61af8");
        assertThat(event.getKeys().getService()).isEqualTo("checkout");
    }

    @Test
    void sameRawRecordGetsTheSameIdEveryTime() throws Exception {
        send(backend(45, KAFKA_TIME, PLAIN_LINE, Map.of()));
        send(backend(45, KAFKA_TIME, PLAIN_LINE, Map.of()));

        List<NormalizedEvent> events = harness.extractOutputValues();
        assertThat(events).hasSize(2);
        assertThat(events.get(1).getId()).isEqualTo(events.get(0).getId());
    }

    @Test
    void sameTextAtAnotherKafkaTimestampGetsAnotherId() throws Exception {
        send(backend(45, KAFKA_TIME, PLAIN_LINE, Map.of()));
        send(backend(46, KAFKA_TIME + 1, PLAIN_LINE, Map.of()));

        List<NormalizedEvent> events = harness.extractOutputValues();
        assertThat(events.get(1).getId()).isNotEqualTo(events.get(0).getId());
    }

    @Test
    void shipperIdHeaderAloneDecidesTheId() throws Exception {
        Map<String, String> stable = Map.of(EventIds.ID_HEADER, "checkout.log:inode-881:offset-4096");
        send(backend(47, KAFKA_TIME, PLAIN_LINE, stable));
        send(backend(900, KAFKA_TIME + 60_000, PLAIN_LINE + " ", stable));
        send(backend(47, KAFKA_TIME, PLAIN_LINE, Map.of()));

        List<NormalizedEvent> events = harness.extractOutputValues();
        assertThat(events).hasSize(3);
        assertThat(events.get(1).getId()).as("re-shipped later, same identity").isEqualTo(events.get(0).getId());
        assertThat(events.get(2).getId()).as("without the header the content decides").isNotEqualTo(events.get(0).getId());
    }

    @Test
    void secretsInAParsedEventAreRedacted() throws Exception {
        send(backend(48, KAFKA_TIME, "calling payments with Authorization: Bearer abcdefghijklmnop", Map.of()));

        NormalizedEvent event = onlyEvent();
        assertThat(event.getMessage()).doesNotContain("abcdefghijklmnop").contains("[REDACTED]");
    }

    @Test
    void anEmptyBackendLineIsAContinuationForTheMergeToKeepOrDrop() throws Exception {
        send(backend(50, KAFKA_TIME, new byte[0]));
        send(backend(51, KAFKA_TIME, " \t", Map.of()));

        assertThat(harness.extractOutputValues()).hasSize(2).allSatisfy(event -> {
            assertThat(event.getKind()).isEqualTo(StackTraces.CONTINUATION_KIND);
            assertThat(event.getMessage()).isEmpty();
        });
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aBlankLineOfAnotherSourceIsLayoutNeitherEventNorDeadLetter() {
        RawRecordNormalizer normalizer = new RawRecordNormalizer(MAX_RECORD_BYTES, Duration.ofMinutes(10));
        for (byte[] blank : List.of(new byte[0], " \r".getBytes(StandardCharsets.UTF_8))) {
            RawRecord line = new RawRecord(Source.BROWSER, "braid.raw.browser", 0, 7, KAFKA_TIME, null, blank, Map.of());

            RawRecordNormalizer.Result result = normalizer.normalize(line);

            assertThat(result.blank()).as("counted in " + ParseRawRecord.BLANK_LINES).isTrue();
            assertThat(result.events()).isEmpty();
            assertThat(result.deadLetter()).isNull();
        }
    }

    @Test
    void tombstoneIsAnEmptyDeadLetter() throws Exception {
        send(backend(51, KAFKA_TIME, (byte[]) null));

        assertThat(onlyDeadLetter().getReason()).isEqualTo(DeadLetterReason.EMPTY);
    }

    @Test
    void oversizedRecordIsADeadLetterWithItsValueCutToTheLimit() throws Exception {
        byte[] value = ("x".repeat(2000) + " done").getBytes(StandardCharsets.UTF_8);
        send(backend(52, KAFKA_TIME, value));

        DeadLetter letter = onlyDeadLetter();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.OVERSIZED);
        assertThat(letter.getDetail()).isEqualTo(
                "record of 2005 bytes exceeds braid.normalize.max-record-size of 1024 bytes");
        assertThat(letter.getTruncated()).isTrue();
        assertThat(bytes(letter.getRawValue())).hasSize(MAX_RECORD_BYTES).containsOnly((byte) 'x');
    }

    @Test
    void secretCutByTheSizeLimitIsRedactedBeforeTheCut() throws Exception {
        byte[] value = ("x".repeat(1010) + " Bearer abcdefghijklmnop").getBytes(StandardCharsets.UTF_8);
        send(backend(53, KAFKA_TIME, value));

        String stored = new String(bytes(onlyDeadLetter().getRawValue()), StandardCharsets.UTF_8);
        assertThat(stored).hasSize(MAX_RECORD_BYTES).doesNotContain("abcdef");
    }

    @Test
    void recordOfExactlyTheLimitIsParsed() throws Exception {
        send(backend(53, KAFKA_TIME, "y".repeat(MAX_RECORD_BYTES).getBytes(StandardCharsets.UTF_8)));

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void invalidUtf8IsADeadLetterKeepingTheBytesAsTheyWere() throws Exception {
        byte[] value = {(byte) 0xC3, (byte) 0x28, 'o', 'k'};
        send(backend(54, KAFKA_TIME, value));

        DeadLetter letter = onlyDeadLetter();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.NOT_UTF8);
        assertThat(letter.getDetail()).startsWith("record is not valid UTF-8");
        assertThat(letter.getTruncated()).isFalse();
        assertThat(bytes(letter.getRawValue())).containsExactly(value);
    }

    @Test
    void unparseableCdpRecordIsARedactedDeadLetterWithItsProvenance() throws Exception {
        String truncated = "{\"method\":\"Network.requestWillBeSent\",\"params\":{\"requestId\":\"8616.5\","
                + "\"request\":{\"headers\":{\"X-Debug\":\"Authorization: Bearer abcdefghijklmnop";
        RawRecord raw = new RawRecord(Source.BROWSER, "braid.raw.browser", 1, 77, KAFKA_TIME,
                "tab-3".getBytes(StandardCharsets.UTF_8), truncated.getBytes(StandardCharsets.UTF_8), Map.of());
        send(raw);

        DeadLetter letter = onlyDeadLetter();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(letter.getDetail()).startsWith("invalid JSON").doesNotContain("abcdefghijklmnop");
        assertThat(new String(bytes(letter.getRawValue()), StandardCharsets.UTF_8))
                .doesNotContain("abcdefghijklmnop")
                .contains("[REDACTED]")
                .startsWith("{\"method\":\"Network.requestWillBeSent\"");
        assertThat(letter.getTruncated()).isFalse();
        assertThat(letter.getSourceTopic()).isEqualTo("braid.raw.browser");
        assertThat(letter.getPartition()).isEqualTo(1);
        assertThat(letter.getOffset()).isEqualTo(77L);
        assertThat(letter.getKafkaTimestamp()).isEqualTo(Instant.ofEpochMilli(KAFKA_TIME));
        assertThat(new String(bytes(letter.getRawKey()), StandardCharsets.UTF_8)).isEqualTo("tab-3");
        assertThat(letter.getId()).isEqualTo(EventIds.of(raw, 0));
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void retriedBadRecordGetsTheSameDeadLetterId() throws Exception {
        send(backend(55, KAFKA_TIME, (byte[]) null));
        send(backend(55, KAFKA_TIME, (byte[]) null));

        List<DeadLetter> letters = deadLetters();
        assertThat(letters).hasSize(2);
        assertThat(letters.get(1).getId()).isEqualTo(letters.get(0).getId());
    }

    @Test
    void anExportWithOneBadSpanPublishesTheOthersAndDeadLettersThatOne() throws Exception {
        Span good = span("reserve stock", SPAN_ID_BYTES);
        Span bad = span("charge card", SPAN_ID_BYTES / 2);
        TracesData traces = TracesData.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(good).addSpans(bad))).build();

        send(backend(60, KAFKA_TIME, traces.toByteArray(), Map.of(ParseInput.FORMAT_HEADER, OtlpParsers.SPANS)));

        assertThat(onlyEvent().getMetadata()).containsEntry("span.name", "reserve stock");
        DeadLetter letter = onlyDeadLetter();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
        assertThat(letter.getDetail()).startsWith("1 of 2 spans rejected");
        assertThat(TracesData.parseFrom(bytes(letter.getRawValue())).getResourceSpans(0).getScopeSpans(0).getSpansList())
                .containsExactly(bad);
    }

    private static Span span(String name, int spanIdBytes) {
        return Span.newBuilder().setName(name)
                .setTraceId(ByteString.copyFrom(filled(TRACE_ID_BYTES)))
                .setSpanId(ByteString.copyFrom(filled(spanIdBytes)))
                .setStartTimeUnixNano(KAFKA_TIME * 1_000_000L)
                .setEndTimeUnixNano((KAFKA_TIME + 12) * 1_000_000L)
                .build();
    }

    private static byte[] filled(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 0x4b);
        return bytes;
    }

    private void send(RawRecord raw) throws Exception {
        harness.processElement(raw, raw.timestamp);
    }

    private NormalizedEvent onlyEvent() {
        List<NormalizedEvent> events = harness.extractOutputValues();
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private DeadLetter onlyDeadLetter() {
        List<DeadLetter> letters = deadLetters();
        assertThat(letters).hasSize(1);
        return letters.get(0);
    }

    private List<DeadLetter> deadLetters() {
        Queue<StreamRecord<DeadLetter>> side = harness.getSideOutput(ParseRawRecord.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private static RawRecord backend(long offset, long timestamp, String value, Map<String, String> headers) {
        return new RawRecord(Source.BACKEND, BACKEND_TOPIC, 2, offset, timestamp,
                "checkout.log".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                new HashMap<>(headers));
    }

    private static RawRecord backend(long offset, long timestamp, byte[] value, Map<String, String> headers) {
        return new RawRecord(Source.BACKEND, BACKEND_TOPIC, 2, offset, timestamp, null, value, new HashMap<>(headers));
    }

    private static RawRecord backend(long offset, long timestamp, byte[] value) {
        return new RawRecord(Source.BACKEND, BACKEND_TOPIC, 2, offset, timestamp,
                "checkout.log".getBytes(StandardCharsets.UTF_8), value, Map.of());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
