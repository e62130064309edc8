package dev.braid.correlate.functions;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.traced;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TraceEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An hour of steady traffic: state must track the traces still open or within their lateness,
 * not every trace ever seen.
 */
class AssembleTracesStateBoundTest {

    private static final Duration GAP = Duration.ofSeconds(30);
    private static final Duration MAX_DURATION = Duration.ofMinutes(10);
    private static final Duration LATENESS = Duration.ofMinutes(1);
    private static final Duration QUIET = GAP.multipliedBy(2);

    private static final int TRACES = 10_000;
    private static final int EVENTS_PER_TRACE = 3;
    private static final int TRACES_PER_BATCH = 100;
    private static final long SIMULATED_MILLIS = Duration.ofHours(1).toMillis();
    /** One trace starts every 360 ms. */
    private static final long TRACE_SPACING = SIMULATED_MILLIS / TRACES;
    private static final long EVENT_SPACING = 1_000;
    private static final long TRACE_SPAN = (EVENTS_PER_TRACE - 1) * EVENT_SPACING;
    /** Bounded out-of-orderness of the source: watermark = max event time − 5 s. */
    private static final long WATERMARK_DELAY = 5_000;
    /** The events list and the progress value of each trace id. */
    private static final int STATES_PER_TRACE = 2;
    /** Each trace holds an inactivity and a max-duration timer while open, then one cleanup timer. */
    private static final int TIMERS_PER_TRACE = 2;

    /**
     * A trace is in state from its first event until the watermark passes its last event + gap +
     * lateness. The watermark trails the newest event by its delay and moves only once per batch,
     * so a batch's worth of event time adds to that, and a whole batch arrives before it moves.
     */
    private static final long LIVE_TRACES_BOUND =
            (TRACE_SPAN + GAP.toMillis() + LATENESS.toMillis() + WATERMARK_DELAY + TRACES_PER_BATCH * TRACE_SPACING)
                    / TRACE_SPACING + TRACES_PER_BATCH;
    private static final long STATE_ENTRIES_BOUND = STATES_PER_TRACE * LIVE_TRACES_BOUND;

    private KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, CorrelatedTrace> harness;

    @BeforeEach
    void createHarness() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AssembleTraces(GAP, MAX_DURATION, LATENESS, QUIET, Duration.ofDays(7))),
                NormalizedEvent::getTraceId, Types.STRING);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void heapStateStaysProportionalToTheTracesOpenWithinGapAndLateness() throws Exception {
        harness.open();

        streamAnHourOfTraces("heap", harness::numKeyedStateEntries);
    }

    @Test
    void rocksDbStateStaysProportionalToTheTracesOpenWithinGapAndLateness() throws Exception {
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.open();

        // The harness counts entries of heap state only; RocksDB is asked for the keys of each state.
        streamAnHourOfTraces("rocksdb", this::rocksDbStateEntries);
    }

    private void streamAnHourOfTraces(String backend, StateEntries stateEntries) throws Exception {
        Random shuffle = new Random(42);
        long peakEntries = 0;
        long peakTimers = 0;
        long maxEventTime = Long.MIN_VALUE;
        for (int batchStart = 0; batchStart < TRACES; batchStart += TRACES_PER_BATCH) {
            List<NormalizedEvent> batch = new ArrayList<>();
            for (int i = batchStart; i < batchStart + TRACES_PER_BATCH; i++) {
                batch.addAll(eventsOfTrace(i));
            }
            Collections.shuffle(batch, shuffle);
            for (NormalizedEvent event : batch) {
                long time = event.getEventTime().toEpochMilli();
                harness.processElement(event, time);
                maxEventTime = Math.max(maxEventTime, time);
            }
            // State only grows between watermarks: the end of a batch is its peak.
            peakEntries = Math.max(peakEntries, stateEntries.count());
            peakTimers = Math.max(peakTimers, harness.numEventTimeTimers());
            harness.processWatermark(maxEventTime - WATERMARK_DELAY);
            peakEntries = Math.max(peakEntries, stateEntries.count());
        }
        System.out.printf("AssembleTraces %s: peak keyed state entries %d (bound %d), peak event-time timers %d,"
                + " for %d traces%n", backend, peakEntries, STATE_ENTRIES_BOUND, peakTimers, TRACES);

        assertThat(STATE_ENTRIES_BOUND).as("bound from the rates").isLessThan(2_000);
        assertThat(peakEntries).isPositive().isLessThanOrEqualTo(STATE_ENTRIES_BOUND);
        assertThat(peakTimers).isLessThanOrEqualTo(TIMERS_PER_TRACE * LIVE_TRACES_BOUND);

        harness.processWatermark(T0 + startOf(TRACES - 1) + TRACE_SPAN + GAP.toMillis() + LATENESS.toMillis());
        // The last watermark jumps far past the early traces' lateness, which then passes in wall
        // time (a harness holds it at 0) before they are cleared.
        harness.setProcessingTime(LATENESS.toMillis());

        assertEveryTraceCameOutOnceWithItsEvents();
        assertThat(stateEntries.count()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private void assertEveryTraceCameOutOnceWithItsEvents() {
        List<CorrelatedTrace> traces = harness.extractOutputValues();
        assertThat(traces).hasSize(TRACES);
        Map<String, CorrelatedTrace> byId =
                traces.stream().collect(Collectors.toMap(CorrelatedTrace::getTraceId, Function.identity()));
        assertThat(byId).hasSize(TRACES);
        for (int i = 0; i < TRACES; i++) {
            CorrelatedTrace trace = byId.get(traceId(i));
            assertThat(trace.getVersion()).isEqualTo(1);
            assertThat(trace.getEvents()).extracting(TraceEvent::getId)
                    .containsExactly(eventsOfTrace(i).stream().map(NormalizedEvent::getId).toArray(String[]::new));
        }
    }

    private long rocksDbStateEntries() {
        KeyedStateBackend<Object> backend = ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        long entries = 0;
        for (String state : List.of("trace-events", "trace-progress")) {
            try (Stream<Object> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                entries += keys.count();
            }
        }
        return entries;
    }

    private static List<NormalizedEvent> eventsOfTrace(int i) {
        List<NormalizedEvent> events = new ArrayList<>();
        for (int n = 0; n < EVENTS_PER_TRACE; n++) {
            events.add(traced(traceId(i) + "-" + n, traceId(i), startOf(i) + n * EVENT_SPACING));
        }
        return events;
    }

    private static String traceId(int i) {
        return String.format("%032x", i);
    }

    private static long startOf(int i) {
        return i * TRACE_SPACING;
    }

    @FunctionalInterface
    private interface StateEntries {
        long count() throws Exception;
    }
}
