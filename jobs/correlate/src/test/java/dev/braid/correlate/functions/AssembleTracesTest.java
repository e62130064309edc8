package dev.braid.correlate.functions;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.TRACE;
import static dev.braid.testing.Events.traced;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TraceEvent;
import dev.braid.testing.MeteredHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

class AssembleTracesTest {

    private static final Duration GAP = Duration.ofSeconds(30);
    private static final Duration MAX_DURATION = Duration.ofMinutes(10);
    private static final Duration LATENESS = Duration.ofMinutes(1);
    private static final Duration QUIET = Duration.ofMinutes(1);
    private static final Duration STATE_TTL = Duration.ofDays(7);
    private static final long SECOND = 1000;
    private static final long HOUR = 3600 * SECOND;
    private static final long DAY = 24 * HOUR;

    private MeteredHarness<String, NormalizedEvent, CorrelatedTrace> metered;
    private KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, CorrelatedTrace> harness;

    @BeforeEach
    void openHarness() throws Exception {
        metered = new MeteredHarness<>(new AssembleTraces(GAP, MAX_DURATION, LATENESS, QUIET, STATE_TTL),
                NormalizedEvent::getTraceId, Types.STRING);
        harness = metered.harness();
    }

    @AfterEach
    void closeHarness() throws Exception {
        metered.close();
    }

    @Test
    void traceClosesWhenTheInactivityGapPassesInEventTime() throws Exception {
        send(traced("a", 0, Level.INFO));
        send(traced("b", 5 * SECOND, Level.ERROR));
        watermark(34 * SECOND);
        assertThat(traces()).isEmpty();

        watermark(35 * SECOND);

        CorrelatedTrace trace = onlyTrace();
        assertThat(trace.getTraceId()).isEqualTo(TRACE);
        assertThat(trace.getVersion()).isEqualTo(1);
        assertThat(trace.getClosedBy()).isEqualTo(CloseReason.INACTIVITY);
        assertThat(trace.getEvents()).extracting(TraceEvent::getId).containsExactly("a", "b");
        assertThat(trace.getFirstError().getId()).isEqualTo("b");
    }

    @Test
    void eventsArrivingOutOfOrderComeOutInEventTimeOrder() throws Exception {
        send(traced("late-written", 4 * SECOND, Level.INFO));
        send(traced("early-written", 1 * SECOND, Level.INFO));

        watermark(34 * SECOND);

        assertThat(onlyTrace().getEvents()).extracting(TraceEvent::getId).containsExactly("early-written", "late-written");
    }

    @Test
    void traceThatNeverGoesQuietClosesAtTheMaximumDuration() throws Exception {
        for (long t = 0; t <= 11 * 60 * SECOND; t += 20 * SECOND) {
            send(traced("e" + t, t, Level.INFO));
            watermark(t);
        }

        CorrelatedTrace trace = traces().get(0);
        assertThat(trace.getClosedBy()).isEqualTo(CloseReason.MAX_DURATION);
        assertThat(trace.getEnd().toEpochMilli()).isLessThanOrEqualTo(T0 + MAX_DURATION.toMillis());
    }

    @Test
    void busyTraceWhoseInactivityTimerMeetsTheMaximumStillClosesAtTheMaximum() throws Exception {
        // An event at 570 s puts the inactivity timer exactly on the 600 s maximum.
        for (long t = 0; t <= 11 * 60 * SECOND; t += 10 * SECOND) {
            send(traced("e" + t, t, Level.INFO));
            watermark(t - 5 * SECOND);
        }

        CorrelatedTrace first = traces().get(0);
        assertThat(first.getClosedBy()).isEqualTo(CloseReason.MAX_DURATION);
        // It holds what arrived before the watermark (5 s behind) passed the maximum.
        assertThat(first.getEnd().toEpochMilli()).isEqualTo(T0 + MAX_DURATION.toMillis() + 10 * SECOND);
    }

    @Test
    void lateEventWithinTheAllowedLatenessYieldsVersionTwoWithAllEvents() throws Exception {
        send(traced("a", 0, Level.INFO));
        watermark(31 * SECOND);

        send(traced("late", 2 * SECOND, Level.ERROR));

        List<CorrelatedTrace> traces = traces();
        assertThat(traces).extracting(CorrelatedTrace::getVersion).containsExactly(1, 2);
        assertThat(traces.get(1).getClosedBy()).isEqualTo(CloseReason.LATE_EVENT);
        assertThat(traces.get(1).getEvents()).extracting(TraceEvent::getId).containsExactly("a", "late");
    }

    @Test
    void traceWhoseWatermarkStallsForADayClosesAfterTheQuietGapAndStaysCompleteWhenTrafficResumes() throws Exception {
        send(traced("a", 0, Level.INFO));
        send(traced("b", 5 * SECOND, Level.ERROR));
        watermark(4 * SECOND); // then every source goes idle: the watermark stands still

        wallClock(DAY);

        CorrelatedTrace closed = onlyTrace();
        assertThat(metered.count(AssembleTraces.CLOSED_WHILE_QUIET)).isEqualTo(1);
        assertThat(closed.getClosedBy()).isEqualTo(CloseReason.INACTIVITY);
        assertThat(closed.getEvents()).extracting(TraceEvent::getId).containsExactly("a", "b");
        assertThat(harness.numKeyedStateEntries()).as("kept for late events: the TTL is a backstop of days").isPositive();

        send(traced("c", 8 * SECOND, Level.INFO)); // traffic resumes
        watermark(8 * SECOND + GAP.toMillis() + LATENESS.toMillis());

        List<CorrelatedTrace> traces = traces();
        assertThat(traces).extracting(CorrelatedTrace::getVersion).containsExactly(1, 2);
        assertThat(traces.get(1).getEvents()).extracting(TraceEvent::getId).containsExactly("a", "b", "c");
        assertNothingHeld();
    }

    @Test
    void traceWhoseWatermarkMovesIsLeftToEventTimeWhateverTheWallClock() throws Exception {
        watermark(0);
        send(traced("a", 0, Level.INFO));
        for (int i = 1; i <= 20; i++) { // a slow watermark: one second per half quiet gap
            wallClock(i * QUIET.toMillis() / 2);
            watermark(i * SECOND);
        }

        assertThat(traces()).as("the watermark moved: event time closes the trace").isEmpty();

        watermark(30 * SECOND);
        assertThat(onlyTrace().getClosedBy()).isEqualTo(CloseReason.INACTIVITY);
    }

    @Test
    void traceShippedAfterTheFactIsAssembledByWallTimeBehindTheLiveWatermark() throws Exception {
        watermark(7 * DAY); // live traffic of a week later holds the watermark
        wallClock(1_000);
        send(traced("history-1", 0, Level.INFO));
        send(traced("history-2", 40 * SECOND, Level.ERROR)); // farther apart than the gap: one trace all the same
        wallClock(1_000 + QUIET.toMillis() - 1);
        assertThat(traces()).isEmpty();

        wallClock(1_000 + QUIET.toMillis());

        CorrelatedTrace trace = onlyTrace();
        assertThat(trace.getVersion()).isEqualTo(1);
        assertThat(trace.getEvents()).extracting(TraceEvent::getId).containsExactly("history-1", "history-2");
        assertThat(metered.count(AssembleTraces.REPLAYED)).isEqualTo(1);

        wallClock(1_000 + QUIET.toMillis() + LATENESS.toMillis());
        assertNothingHeld();
    }

    @Test
    void traceWhoseLatenessTheWatermarkJumpsPastIsKeptForTheLatenessInWallTime() throws Exception {
        send(traced("a", 0, Level.INFO));
        send(traced("b", SECOND, Level.INFO));
        long jump = 50 * SECOND;
        wallClock(jump);
        watermark(DAY); // the first watermark after a start: live traffic of a day later

        assertThat(onlyTrace().getEvents()).extracting(TraceEvent::getId).containsExactly("a", "b");
        // A checkpoint upstream held the third line back for longer than the quiet gap.
        long late = jump + LATENESS.toMillis() - 1;
        wallClock(late);
        send(traced("c", 2 * SECOND, Level.ERROR));

        List<CorrelatedTrace> traces = traces();
        assertThat(traces).extracting(CorrelatedTrace::getVersion).containsExactly(1, 2);
        assertThat(traces.get(1).getEvents()).extracting(TraceEvent::getId).containsExactly("a", "b", "c");

        wallClock(late + QUIET.toMillis());
        assertNothingHeld();
    }

    @Test
    void stateAndTimersAreClearedOnceTheLatenessHasPassed() throws Exception {
        send(traced("a", 0, Level.INFO));
        send(traced("b", 10 * SECOND, Level.WARN));
        assertThat(harness.numKeyedStateEntries()).isPositive();

        watermark(40 * SECOND + LATENESS.toMillis());

        assertThat(traces()).hasSize(1);
        assertNothingHeld();
    }

    @Test
    void tracesOfDifferentIdsCloseIndependently() throws Exception {
        send(traced("x1", "00000000000000000000000000000001", 0));
        send(traced("y1", "00000000000000000000000000000002", 20 * SECOND));

        watermark(30 * SECOND);

        assertThat(onlyTrace().getTraceId()).isEqualTo("00000000000000000000000000000001");
    }

    private void send(NormalizedEvent event) throws Exception {
        harness.processElement(event, event.getEventTime().toEpochMilli());
    }

    private void wallClock(long millis) throws Exception {
        metered.wallClock(millis);
    }

    private void assertNothingHeld() {
        assertThat(metered.held()).isEmpty();
    }

    private void watermark(long offsetMillis) throws Exception {
        harness.processWatermark(T0 + offsetMillis);
    }

    private List<CorrelatedTrace> traces() {
        return harness.extractOutputValues();
    }

    private CorrelatedTrace onlyTrace() {
        assertThat(traces()).hasSize(1);
        return traces().get(0);
    }
}
