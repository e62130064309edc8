package dev.braid.normalize.functions;

import dev.braid.normalize.parse.StackTraces;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.LogLine;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.MeteredHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MergeStackTracesTest {

    /** 2026-11-21T10:00:00Z. */
    private static final long T0 = 1_795_269_600_000L;
    private static final Duration MAX_HOLD = Duration.ofSeconds(30);

    private MeteredHarness<String, NormalizedEvent, NormalizedEvent> metered;
    private KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, NormalizedEvent> harness;

    @BeforeEach
    void openHarness() throws Exception {
        metered = new MeteredHarness<>(new MergeStackTraces(MAX_HOLD), MergeStackTracesTest::producerStream, Types.STRING);
        harness = metered.harness();
        metered.wallClock(0);
    }

    @AfterEach
    void closeHarness() throws Exception {
        metered.close();
    }

    @Test
    void blankLinesBetweenTheTracebacksOfAChainStayInIt() throws Exception {
        send(logLine(10, T0, Level.ERROR, "payment failed"));
        send(continuation(11, T0, "Traceback (most recent call last):"));
        send(continuation(12, T0, "ValueError: card declined"));
        send(blank(13, T0));
        send(continuation(14, T0, "The above exception was the direct cause of the following exception:"));
        send(blank(15, T0));
        send(continuation(16, T0, "Traceback (most recent call last):"));
        send(continuation(17, T0, "RuntimeError: payment failed"));
        send(blank(18, T0));
        send(logLine(19, T0 + 1, Level.INFO, "next request"));

        NormalizedEvent merged = harness.extractOutputValues().get(0);
        assertThat(((LogLine) merged.getPayload()).getStackTrace()).isEqualTo(
                "Traceback (most recent call last):\n"
                        + "ValueError: card declined\n"
                        + "\n"
                        + "The above exception was the direct cause of the following exception:\n"
                        + "\n"
                        + "Traceback (most recent call last):\n"
                        + "RuntimeError: payment failed");
        assertThat(merged.getMetadata()).containsEntry(MergeStackTraces.MERGED_OFFSETS, "11,12,13,14,15,16,17");
        assertThat(metered.count(MergeStackTraces.BLANK_LINES)).as("the blank line after the traceback").isEqualTo(1);
    }

    @Test
    void theBlankLinesSpringBootPrintsAroundAStackSetItOffAndAreNotPartOfIt() throws Exception {
        send(logLine(10, T0, Level.ERROR, "Unhandled exception while processing request"));
        send(blank(11, T0));
        send(continuation(12, T0, "java.lang.RuntimeException: request failed for order ord_790"));
        send(continuation(13, T0, "\tat com.example.orders.OrderService.handle(OrderService.java:27) ~[out/:na]"));
        send(blank(14, T0));
        send(logLine(15, T0 + 1, Level.ERROR, "Shutting down: SIGTERM received"));

        NormalizedEvent merged = harness.extractOutputValues().get(0);
        assertThat(((LogLine) merged.getPayload()).getStackTrace()).isEqualTo(
                "java.lang.RuntimeException: request failed for order ord_790\n"
                        + "\tat com.example.orders.OrderService.handle(OrderService.java:27) ~[out/:na]");
        assertThat(merged.getMetadata()).containsEntry(MergeStackTraces.MERGED_OFFSETS, "11,12,13");
        assertThat(metered.count(MergeStackTraces.BLANK_LINES)).as("the blank line after the stack").isEqualTo(1);
    }

    @Test
    void aBlankLineThatContinuesNothingIsDroppedAndCounted() throws Exception {
        send(blank(10, T0));
        send(logLine(11, T0, Level.INFO, "server listening"));
        send(blank(12, T0));
        send(blank(13, T0));
        send(logLine(14, T0 + 1, Level.INFO, "request done"));
        harness.processWatermark(T0 + 1);

        assertThat(harness.extractOutputValues()).extracting(NormalizedEvent::getMessage)
                .containsExactly("server listening", "request done");
        assertThat(harness.extractOutputValues()).allSatisfy(event ->
                assertThat(((LogLine) event.getPayload()).getStackTrace()).isNull());
        assertThat(metered.count(MergeStackTraces.BLANK_LINES)).isEqualTo(3);
        assertNothingHeld();
    }

    @Test
    void logLineAndItsThreeContinuationLinesBecomeOneEventWhenTheNextLineArrives() throws Exception {
        send(logLine(10, T0, Level.ERROR, "Unhandled error in checkout"));
        send(continuation(11, T0, "Traceback (most recent call last):"));
        send(continuation(12, T0, "  File \"/app/checkout.py\", line 12, in place_order"));
        send(continuation(13, T0, "    raise ValueError(\"bad\")"));

        assertThat(harness.extractOutputValues()).as("held until its stream moves on").isEmpty();

        send(logLine(14, T0 + 5, Level.INFO, "request done"));

        List<NormalizedEvent> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        NormalizedEvent merged = out.get(0);
        assertThat(merged.getMessage()).isEqualTo("Unhandled error in checkout");
        assertThat(merged.getKind()).isEqualTo("log");
        assertThat(merged.getLevel()).isEqualTo(Level.ERROR);
        assertThat(((LogLine) merged.getPayload()).getStackTrace()).isEqualTo(
                "Traceback (most recent call last):\n"
                        + "  File \"/app/checkout.py\", line 12, in place_order\n"
                        + "    raise ValueError(\"bad\")");
        assertThat(((LogLine) merged.getPayload()).getLogger()).isEqualTo("checkout");
        assertThat(merged.getMetadata())
                .containsEntry("raw.offset", "10")
                .containsEntry(MergeStackTraces.MERGED_OFFSETS, "11,12,13");

        harness.processWatermark(T0 + 5);

        assertThat(harness.extractOutputValues()).extracting(NormalizedEvent::getMessage)
                .containsExactly("Unhandled error in checkout", "request done");
        assertNothingHeld();
    }

    @Test
    void heldEventIsEmittedWhenTheWatermarkPassesItsEventTime() throws Exception {
        send(logLine(10, T0, Level.ERROR, "Unhandled error in checkout"));
        send(continuation(11, T0, "Traceback (most recent call last):"));

        harness.processWatermark(T0 - 1);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(T0);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(event -> {
            assertThat(event.getMessage()).isEqualTo("Unhandled error in checkout");
            assertThat(((LogLine) event.getPayload()).getStackTrace()).isEqualTo("Traceback (most recent call last):");
            assertThat(event.getMetadata()).containsEntry(MergeStackTraces.MERGED_OFFSETS, "11");
        });
        assertNothingHeld();
    }

    @Test
    void lineWhoseClockLagsTheOthersWaitsForItsStreamsShippingTimeNotItsOwn() throws Exception {
        long threeMinutesBehind = T0 - 3 * 60_000;
        harness.processElement(logLine(10, threeMinutesBehind, Level.ERROR, "Unhandled error in checkout"), T0);
        harness.processWatermark(T0 - 1); // the other sources' clocks are three minutes ahead of this line's
        harness.processElement(continuation(11, threeMinutesBehind, "Traceback (most recent call last):"), T0);
        assertThat(harness.extractOutputValues()).as("still held: its stream has not moved on").isEmpty();

        harness.processWatermark(T0);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(event ->
                assertThat(((LogLine) event.getPayload()).getStackTrace()).isEqualTo("Traceback (most recent call last):"));
        assertNothingHeld();
    }

    @Test
    void heldEventIsEmittedAfterMaxHoldOfProcessingTimeWhenTheWatermarkStalls() throws Exception {
        send(logLine(10, T0, Level.INFO, "last line before a quiet hour"));

        harness.setProcessingTime(MAX_HOLD.toMillis() - 1);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.setProcessingTime(MAX_HOLD.toMillis());

        assertThat(harness.extractOutputValues()).extracting(NormalizedEvent::getMessage)
                .containsExactly("last line before a quiet hour");
        assertNothingHeld();
    }

    @Test
    void continuationWithNothingHeldIsKeptAsAnOrphanLogEvent() throws Exception {
        send(continuation(20, T0, "\tat com.example.orders.OrderService.place(OrderService.java:42)"));

        assertThat(harness.extractOutputValues()).singleElement().satisfies(event -> {
            assertThat(event.getKind()).isEqualTo("log");
            assertThat(event.getTags()).contains("orphan-stack-trace");
            assertThat(event.getMessage()).isEqualTo("\tat com.example.orders.OrderService.place(OrderService.java:42)");
            assertThat(event.getMetadata()).containsEntry("raw.offset", "20");
        });
        assertNothingHeld();
    }

    @Test
    void exceptionSummaryLineClosesAnOpenTraceback() throws Exception {
        send(logLine(10, T0, Level.ERROR, "Unhandled error in checkout"));
        send(continuation(11, T0, "Traceback (most recent call last):"));
        send(continuation(12, T0, "  File \"/app/checkout.py\", line 12, in place_order"));
        send(continuation(13, T0, "    raise ValueError(\"bad\")"));
        send(logLine(14, T0, Level.INFO, "ValueError: bad"));
        harness.processWatermark(T0);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(event -> {
            assertThat(((LogLine) event.getPayload()).getStackTrace()).endsWith("    raise ValueError(\"bad\")\nValueError: bad");
            assertThat(event.getMetadata()).containsEntry(MergeStackTraces.MERGED_OFFSETS, "11,12,13,14");
        });
        assertNothingHeld();
    }

    @Test
    void exceptionSummaryLineAfterALineWithoutStackTraceIsAnEventOfItsOwn() throws Exception {
        send(logLine(10, T0, Level.INFO, "validating order"));
        send(logLine(11, T0 + 1, Level.INFO, "ValueError: bad"));

        assertThat(harness.extractOutputValues()).extracting(NormalizedEvent::getMessage).containsExactly("validating order");
        assertThat(harness.extractOutputValues().get(0).getMetadata()).doesNotContainKey(MergeStackTraces.MERGED_OFFSETS);

        harness.processWatermark(T0 + 1);

        assertThat(harness.extractOutputValues()).extracting(NormalizedEvent::getMessage)
                .containsExactly("validating order", "ValueError: bad");
        assertNothingHeld();
    }

    @Test
    void warningWhoseMergedStackShowsAnErrorBecomesAnError() throws Exception {
        send(logLine(10, T0, Level.WARN, "retrying payment"));
        send(continuation(11, T0, "Traceback (most recent call last):"));
        harness.processWatermark(T0);

        assertThat(harness.extractOutputValues()).singleElement()
                .extracting(NormalizedEvent::getLevel).isEqualTo(Level.ERROR);
        assertNothingHeld();
    }

    @Test
    void continuationOfAnotherStreamDoesNotJoinTheHeldEvent() throws Exception {
        send(logLine(10, T0, Level.ERROR, "Unhandled error in checkout"));
        send(event(StackTraces.CONTINUATION_KIND, Level.ERROR, "Traceback (most recent call last):",
                T0, 11, "worker.log", null));

        assertThat(harness.extractOutputValues()).singleElement().satisfies(event ->
                assertThat(event.getTags()).contains("orphan-stack-trace"));

        harness.processWatermark(T0);

        assertThat(harness.extractOutputValues()).hasSize(2).last().satisfies(event -> {
            assertThat(event.getMessage()).isEqualTo("Unhandled error in checkout");
            assertThat(((LogLine) event.getPayload()).getStackTrace()).isNull();
        });
        assertNothingHeld();
    }

    @Test
    void anEndlessStackStopsGrowingItsEventAndEveryLineStaysAccountedFor() throws Exception {
        String frame = "\tat com.example.Loop.spin(Loop.java:7)" + " ".repeat(960);
        int frames = 2 * MergeStackTraces.MAX_MERGED_CHARS / frame.length();
        send(logLine(10, T0, Level.ERROR, "stack overflow"));
        for (int i = 0; i < frames; i++) {
            send(continuation(11 + i, T0, frame));
        }
        send(logLine(11 + frames, T0 + 1, Level.INFO, "next request"));
        harness.processWatermark(T0 + 1);

        List<NormalizedEvent> out = harness.extractOutputValues();
        NormalizedEvent merged = out.get(0);
        int mergedFrames = merged.getMetadata().get(MergeStackTraces.MERGED_OFFSETS).split(",").length;
        assertThat(((LogLine) merged.getPayload()).getStackTrace().length()).isLessThanOrEqualTo(MergeStackTraces.MAX_MERGED_CHARS);
        assertThat(mergedFrames).isLessThan(frames);
        assertThat(out.subList(1, out.size() - 1)).as("the frames after the cap, each an event of its own")
                .hasSize(frames - mergedFrames)
                .allSatisfy(orphan -> assertThat(orphan.getTags()).contains("orphan-stack-trace"));
        assertThat(out.get(out.size() - 1).getMessage()).isEqualTo("next request");
        assertNothingHeld();
    }

    private void assertNothingHeld() {
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    private void send(NormalizedEvent event) throws Exception {
        harness.processElement(event, event.getEventTime().toEpochMilli());
    }

    private static String producerStream(NormalizedEvent event) {
        Map<String, String> meta = event.getMetadata();
        return meta.get("raw.topic") + '/' + meta.get("raw.partition") + '/' + meta.get("raw.key");
    }

    private static NormalizedEvent logLine(long offset, long time, Level level, String message) {
        return event("log", level, message, time, offset, "app.log",
                LogLine.newBuilder().setFormat("python").setLogger("checkout").build());
    }

    private static NormalizedEvent blank(long offset, long time) {
        return continuation(offset, time, "");
    }

    private static NormalizedEvent continuation(long offset, long time, String line) {
        return event(StackTraces.CONTINUATION_KIND, Level.ERROR, line, time, offset, "app.log",
                LogLine.newBuilder().setFormat("plain").build());
    }

    /** A backend event as ParseRawRecord emits it, with the provenance metadata the merge relies on. */
    private static NormalizedEvent event(String kind, Level level, String message, long time, long offset,
                                         String rawKey, LogLine payload) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("raw.topic", "braid.raw.backend");
        metadata.put("raw.partition", "0");
        metadata.put("raw.offset", Long.toString(offset));
        metadata.put("raw.key", rawKey);
        return NormalizedEvent.newBuilder()
                .setId("evt-" + offset)
                .setEventTime(Instant.ofEpochMilli(time))
                .setIngestTime(Instant.ofEpochMilli(time + 100))
                .setSource(Source.BACKEND)
                .setKind(kind)
                .setLevel(level)
                .setKeys(CorrelationKeys.newBuilder().setService("checkout").build())
                .setMessage(message)
                .setMetadata(metadata)
                .setTags(new ArrayList<>(List.of("format:python")))
                .setPayload(payload)
                .build();
    }
}
