package dev.braid.normalize.functions;

import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class DeduplicateTest {

    private static final Duration TTL = Duration.ofMinutes(1);
    /** 2026-11-21T10:00:00Z. */
    private static final long T0 = 1_795_269_600_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, NormalizedEvent> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new Deduplicate<NormalizedEvent>(TTL)),
                NormalizedEvent::getId,
                Types.STRING);
        // State TTL reads the harness's TTL clock, not its processing-time service: move both together.
        setClock(0);
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void firstEventOfAnIdPassesAndARetryWithTheSameIdIsDropped() throws Exception {
        send(event("a1b2", "order placed"));
        send(event("a1b2", "order placed (producer retry)"));
        send(event("c3d4", "payment captured"));

        assertThat(harness.extractOutputValues()).extracting(NormalizedEvent::getId, NormalizedEvent::getMessage)
                .containsExactly(
                        tuple("a1b2", "order placed"),
                        tuple("c3d4", "payment captured"));
        assertThat(harness.numKeyedStateEntries()).as("one remembered id per distinct event").isEqualTo(2);
    }

    @Test
    void idIsStillRememberedJustBeforeTheTtlEnds() throws Exception {
        send(event("a1b2", "order placed"));

        setClock(TTL.toMillis() - 1);
        send(event("a1b2", "replayed"));

        assertThat(harness.extractOutputValues()).extracting(NormalizedEvent::getMessage).containsExactly("order placed");
    }

    @Test
    void idIsForgottenOnceTheTtlHasPassedAndPassesAgain() throws Exception {
        send(event("a1b2", "order placed"));

        setClock(TTL.toMillis() + 1);
        send(event("a1b2", "replayed after an hour"));
        send(event("a1b2", "retry of the replay"));

        assertThat(harness.extractOutputValues()).extracting(NormalizedEvent::getMessage)
                .containsExactly("order placed", "replayed after an hour");
    }

    @Test
    void everyRepeatOfAnIdIsDroppedNotOnlyTheFirst() throws Exception {
        send(event("a1b2", "order placed"));
        send(event("a1b2", "order placed"));
        send(event("a1b2", "order placed"));

        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    private void setClock(long millis) throws Exception {
        harness.setProcessingTime(millis);
        harness.setStateTtlProcessingTime(millis);
    }

    private void send(NormalizedEvent event) throws Exception {
        harness.processElement(event, event.getEventTime().toEpochMilli());
    }

    private static NormalizedEvent event(String id, String message) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("raw.topic", "braid.raw.backend");
        metadata.put("raw.partition", "0");
        metadata.put("raw.offset", "7");
        return NormalizedEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.ofEpochMilli(T0))
                .setIngestTime(Instant.ofEpochMilli(T0 + 100))
                .setSource(Source.BACKEND)
                .setKind("log")
                .setLevel(Level.INFO)
                .setKeys(CorrelationKeys.newBuilder().setService("orders").build())
                .setMessage(message)
                .setMetadata(metadata)
                .setTags(new ArrayList<>())
                .build();
    }
}
