package dev.braid.correlate.functions;

import dev.braid.correlate.model.Traces;
import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TraceKind;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the events of one trace id and emits them as a trace when the trace goes quiet for the
 * inactivity gap or has been open for the maximum duration, both in event time. After closing, the
 * events are kept for the allowed lateness: a late event then yields a new version of the whole
 * trace. State and timers are cleared at the end of the lateness.
 *
 * <p>Event time alone would lose traces in two normal situations, so wall time steps in:
 * <ul>
 *   <li><b>Quiet input.</b> When every source is idle the watermark stands still and no event-time
 *       timer fires. An open trace whose last event arrived {@code quiet} ago while the watermark
 *       did not move closes then ({@link CloseReason#INACTIVITY}); it is cleared once the watermark
 *       moves on past its lateness, so an event that arrives when traffic resumes still joins it.
 *   <li><b>Behind the watermark.</b> A trace whose first event is older than the watermark minus
 *       the lateness (history shipped late, a producer whose clock lags) is <i>replayed</i>: its
 *       event-time timers have passed, so it closes when none of its events arrived for
 *       {@code quiet}, and is cleared {@code allowedLateness} of wall time later. So is a closed
 *       trace whose lateness the watermark jumped past in one step.
 * </ul>
 * A trace whose state is gone starts again as a replayed trace. The TTL is a backstop of days for
 * state whose timers were lost, never shorter than a lull: it counts wall time, not event time.
 */
public final class AssembleTraces extends KeyedProcessFunction<String, NormalizedEvent, CorrelatedTrace> {

    private static final long serialVersionUID = 1L;

    /** Metric: traces closed by wall time because the watermark stood still. */
    public static final String CLOSED_WHILE_QUIET = "tracesClosedWhileQuiet";
    /** Metric: traces opened behind the watermark and assembled by wall time. */
    public static final String REPLAYED = "tracesReplayed";

    private final long gap;
    private final long maxDuration;
    private final long allowedLateness;
    private final long quiet;
    private final Duration stateTtl;
    private transient ListState<NormalizedEvent> events;
    private transient ValueState<TraceProgress> progress;
    private transient Counter closedWhileQuiet;
    private transient Counter replayed;

    /**
     * @param quiet wall time without an event of the trace after which it closes if the watermark
     *     stood still meanwhile, or if it is replayed
     * @param stateTtl backstop for state whose timers were lost
     */
    public AssembleTraces(Duration gap, Duration maxDuration, Duration allowedLateness, Duration quiet, Duration stateTtl) {
        this.gap = gap.toMillis();
        this.maxDuration = maxDuration.toMillis();
        this.allowedLateness = allowedLateness.toMillis();
        this.quiet = quiet.toMillis();
        this.stateTtl = stateTtl;
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl = StateTtlConfig.newBuilder(stateTtl)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .cleanupInRocksdbCompactFilter(1000)
                .build();
        ListStateDescriptor<NormalizedEvent> eventsDescriptor =
                new ListStateDescriptor<>("trace-events", new AvroTypeInfo<>(NormalizedEvent.class));
        eventsDescriptor.enableTimeToLive(ttl);
        ValueStateDescriptor<TraceProgress> progressDescriptor =
                new ValueStateDescriptor<>("trace-progress", TypeInformation.of(TraceProgress.class));
        progressDescriptor.enableTimeToLive(ttl);
        events = getRuntimeContext().getListState(eventsDescriptor);
        progress = getRuntimeContext().getState(progressDescriptor);
        closedWhileQuiet = getRuntimeContext().getMetricGroup().counter(CLOSED_WHILE_QUIET);
        replayed = getRuntimeContext().getMetricGroup().counter(REPLAYED);
    }

    @Override
    public void processElement(NormalizedEvent event, Context ctx, Collector<CorrelatedTrace> out) throws Exception {
        long time = event.getEventTime().toEpochMilli();
        TraceProgress trace = progress.value();
        events.add(event);
        if (trace == null) {
            open(time, ctx);
        } else if (trace.closed) {
            trace.version++;
            trace.lastArrival = ctx.timerService().currentProcessingTime();
            progress.update(trace);
            out.collect(trace(ctx.getCurrentKey(), trace.version, CloseReason.LATE_EVENT));
        } else {
            trace.first = Math.min(trace.first, time);
            trace.last = Math.max(trace.last, time);
            arrived(trace, ctx.timerService());
            if (!trace.replayed) {
                moveInactivityTimer(trace, ctx.timerService());
            }
            progress.update(trace);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CorrelatedTrace> out) throws Exception {
        TraceProgress trace = progress.value();
        if (trace == null) {
            return;
        }
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            onWallTimer(trace, timestamp, ctx, out);
        } else if (timestamp == trace.cleanupTimer && !trace.replayed) {
            cleanUpUnlessJumped(trace, ctx.timerService());
        } else if (!trace.closed && !trace.replayed
                && (timestamp == trace.inactivityTimer || timestamp == trace.maxDurationTimer)) {
            close(trace, timestamp == trace.inactivityTimer ? CloseReason.INACTIVITY : CloseReason.MAX_DURATION,
                    timestamp, ctx, out);
        }
    }

    private void onWallTimer(TraceProgress trace, long now, OnTimerContext ctx, Collector<CorrelatedTrace> out)
            throws Exception {
        if (now != trace.wallTimer) {
            return;
        }
        trace.wallTimer = 0;
        long watermark = ctx.timerService().currentWatermark();
        if (trace.closed) { // only a replayed trace keeps a wall timer once closed: its lateness counts wall time
            if (now < trace.lastArrival + quiet) { // late events still coming
                armWallTimer(trace, trace.lastArrival + quiet, ctx.timerService());
                progress.update(trace);
            } else {
                clear(trace, ctx.timerService());
            }
        } else if (now < trace.lastArrival + quiet) {
            armWallTimer(trace, trace.lastArrival + quiet, ctx.timerService());
            progress.update(trace);
        } else if (trace.replayed || watermark == trace.watermarkAtArrival) {
            if (!trace.replayed) {
                closedWhileQuiet.inc();
            }
            close(trace, CloseReason.INACTIVITY, Math.max(watermark, trace.last + gap), ctx, out);
        } else {
            // The watermark moves, if slowly: event time will close the trace; look again later.
            trace.watermarkAtArrival = watermark;
            armWallTimer(trace, now + quiet, ctx.timerService());
            progress.update(trace);
        }
    }

    /**
     * Clears a closed trace once its lateness passed, unless the watermark jumped far past that
     * (another partition's clock, the first watermark after a start): then the lateness passed in
     * no time at all, and events of the trace still in flight would open it again as a second
     * version 1. It is kept as a replayed trace instead, for the lateness in wall time.
     */
    private void cleanUpUnlessJumped(TraceProgress trace, TimerService timers) throws Exception {
        boolean jumped = timers.currentWatermark() - trace.cleanupTimer > quiet;
        if (jumped) {
            trace.replayed = true;
            armWallTimer(trace, timers.currentProcessingTime() + allowedLateness, timers);
            progress.update(trace);
        } else {
            clear(trace, timers);
        }
    }

    private void open(long time, Context ctx) throws Exception {
        TimerService timers = ctx.timerService();
        TraceProgress trace = new TraceProgress();
        trace.first = time;
        trace.last = time;
        trace.replayed = isBehind(time, timers.currentWatermark());
        if (trace.replayed) {
            replayed.inc();
        } else {
            trace.inactivityTimer = time + gap;
            trace.maxDurationTimer = time + maxDuration;
            timers.registerEventTimeTimer(trace.inactivityTimer);
            timers.registerEventTimeTimer(trace.maxDurationTimer);
        }
        arrived(trace, timers);
        progress.update(trace);
    }

    /** Too old for its event-time timers to fire in time; before the first watermark nothing is. */
    private boolean isBehind(long time, long watermark) {
        return watermark != Long.MIN_VALUE && time < watermark - allowedLateness;
    }

    private void arrived(TraceProgress trace, TimerService timers) {
        trace.lastArrival = timers.currentProcessingTime();
        trace.watermarkAtArrival = timers.currentWatermark();
        if (trace.wallTimer == 0) { // one wall timer per trace: it re-arms itself from lastArrival
            armWallTimer(trace, trace.lastArrival + quiet, timers);
        }
    }

    private static void armWallTimer(TraceProgress trace, long at, TimerService timers) {
        if (trace.wallTimer != 0) {
            timers.deleteProcessingTimeTimer(trace.wallTimer);
        }
        trace.wallTimer = at;
        timers.registerProcessingTimeTimer(at);
    }

    private void moveInactivityTimer(TraceProgress trace, TimerService timers) {
        long next = trace.last + gap;
        if (next != trace.inactivityTimer) {
            // Flink keeps one timer per timestamp: deleting one that coincides with the
            // max-duration timer would delete that too, and a busy trace would never close.
            if (trace.inactivityTimer != trace.maxDurationTimer) {
                timers.deleteEventTimeTimer(trace.inactivityTimer);
            }
            timers.registerEventTimeTimer(next);
            trace.inactivityTimer = next;
        }
    }

    /**
     * Emits the trace and keeps it for late events: until the watermark passes {@code closeTime}
     * plus the lateness, or for a replayed trace that long in wall time.
     */
    private void close(TraceProgress trace, CloseReason reason, long closeTime, Context ctx,
            Collector<CorrelatedTrace> out) throws Exception {
        TimerService timers = ctx.timerService();
        if (!trace.replayed) {
            // Deleting the timer that fires now is harmless; a quiet close fires neither.
            timers.deleteEventTimeTimer(trace.inactivityTimer);
            timers.deleteEventTimeTimer(trace.maxDurationTimer);
            trace.cleanupTimer = closeTime + allowedLateness;
            timers.registerEventTimeTimer(trace.cleanupTimer);
            if (trace.wallTimer != 0) {
                timers.deleteProcessingTimeTimer(trace.wallTimer);
                trace.wallTimer = 0;
            }
        } else {
            armWallTimer(trace, timers.currentProcessingTime() + allowedLateness, timers);
        }
        trace.closed = true;
        trace.version++;
        progress.update(trace);
        out.collect(trace(ctx.getCurrentKey(), trace.version, reason));
    }

    private void clear(TraceProgress trace, TimerService timers) {
        if (trace.wallTimer != 0) {
            timers.deleteProcessingTimeTimer(trace.wallTimer);
        }
        events.clear();
        progress.clear();
    }

    private CorrelatedTrace trace(String traceId, int version, CloseReason reason) throws Exception {
        List<NormalizedEvent> all = new ArrayList<>();
        events.get().forEach(all::add);
        return Traces.build(traceId, TraceKind.TRACE, version, reason, all);
    }
}
