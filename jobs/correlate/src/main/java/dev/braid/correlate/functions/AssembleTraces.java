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
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the events of one trace id and emits them as a trace when the trace goes quiet for the
 * inactivity gap or has been open for the maximum duration, both in event time. After closing, the
 * events are kept for the allowed lateness: a late event then yields a new version of the whole
 * trace. Later than that, state is gone and an event older than the lateness horizon goes to
 * {@link #LATE_EVENTS}, so nothing is lost. State and timers are cleared at the end of the
 * lateness; a TTL is the backstop.
 */
public final class AssembleTraces extends KeyedProcessFunction<String, NormalizedEvent, CorrelatedTrace> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<NormalizedEvent> LATE_EVENTS =
            new OutputTag<>("late-events", new AvroTypeInfo<>(NormalizedEvent.class));

    private final long gap;
    private final long maxDuration;
    private final long allowedLateness;
    private transient ListState<NormalizedEvent> events;
    private transient ValueState<TraceProgress> progress;
    private transient Counter lateEvents;

    public AssembleTraces(Duration gap, Duration maxDuration, Duration allowedLateness) {
        this.gap = gap.toMillis();
        this.maxDuration = maxDuration.toMillis();
        this.allowedLateness = allowedLateness.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        // Backstop only: timers clear the state long before; a lost timer must not leak it.
        StateTtlConfig ttl = StateTtlConfig.newBuilder(Duration.ofMillis(2 * (maxDuration + gap + allowedLateness)))
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
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
    }

    @Override
    public void processElement(NormalizedEvent event, Context ctx, Collector<CorrelatedTrace> out) throws Exception {
        long time = event.getEventTime().toEpochMilli();
        TraceProgress trace = progress.value();
        if (trace == null) {
            if (isBeyondLateness(time, ctx.timerService().currentWatermark())) {
                ctx.output(LATE_EVENTS, event);
                lateEvents.inc();
                return;
            }
            open(event, time, ctx);
        } else if (trace.closed) {
            events.add(event);
            trace.version++;
            progress.update(trace);
            out.collect(trace(ctx.getCurrentKey(), trace.version, CloseReason.LATE_EVENT));
        } else {
            events.add(event);
            trace.first = Math.min(trace.first, time);
            trace.last = Math.max(trace.last, time);
            moveInactivityTimer(trace, ctx);
            progress.update(trace);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CorrelatedTrace> out) throws Exception {
        TraceProgress trace = progress.value();
        if (trace == null) {
            return;
        }
        if (timestamp == trace.cleanupTimer) {
            events.clear();
            progress.clear();
        } else if (!trace.closed && (timestamp == trace.inactivityTimer || timestamp == trace.maxDurationTimer)) {
            close(trace, timestamp, ctx, out);
        }
    }

    /** Too old to belong to a trace still in state; before the first watermark nothing is. */
    private boolean isBeyondLateness(long time, long watermark) {
        return watermark != Long.MIN_VALUE && time < watermark - allowedLateness;
    }

    private void open(NormalizedEvent event, long time, Context ctx) throws Exception {
        TraceProgress trace = new TraceProgress();
        trace.first = time;
        trace.last = time;
        trace.inactivityTimer = time + gap;
        trace.maxDurationTimer = time + maxDuration;
        ctx.timerService().registerEventTimeTimer(trace.inactivityTimer);
        ctx.timerService().registerEventTimeTimer(trace.maxDurationTimer);
        events.add(event);
        progress.update(trace);
    }

    private void moveInactivityTimer(TraceProgress trace, Context ctx) {
        long next = trace.last + gap;
        if (next != trace.inactivityTimer) {
            // Flink keeps one timer per timestamp: deleting one that coincides with the
            // max-duration timer would delete that too, and a busy trace would never close.
            if (trace.inactivityTimer != trace.maxDurationTimer) {
                ctx.timerService().deleteEventTimeTimer(trace.inactivityTimer);
            }
            ctx.timerService().registerEventTimeTimer(next);
            trace.inactivityTimer = next;
        }
    }

    private void close(TraceProgress trace, long timestamp, OnTimerContext ctx, Collector<CorrelatedTrace> out)
            throws Exception {
        CloseReason reason = timestamp == trace.inactivityTimer ? CloseReason.INACTIVITY : CloseReason.MAX_DURATION;
        ctx.timerService().deleteEventTimeTimer(reason == CloseReason.INACTIVITY ? trace.maxDurationTimer : trace.inactivityTimer);
        trace.closed = true;
        trace.version++;
        trace.cleanupTimer = timestamp + allowedLateness;
        ctx.timerService().registerEventTimeTimer(trace.cleanupTimer);
        progress.update(trace);
        out.collect(trace(ctx.getCurrentKey(), trace.version, reason));
    }

    private CorrelatedTrace trace(String traceId, int version, CloseReason reason) throws Exception {
        List<NormalizedEvent> all = new ArrayList<>();
        events.get().forEach(all::add);
        return Traces.build(traceId, TraceKind.TRACE, version, reason, all);
    }
}
