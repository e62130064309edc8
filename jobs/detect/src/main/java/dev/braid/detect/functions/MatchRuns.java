package dev.braid.detect.functions;

import dev.braid.detect.cep.ResumingOperator.ResumesReleasedCep;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.RunDetector;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link RunDetector} per key in event time. Events wait, by time, for the watermark, as a
 * CEP operator's do; then each joins the run, which keeps only its last {@code count} events less
 * than {@code window} apart. An event costs one look at that bounded run, never a pass over every
 * start inside the window, so the hottest key (a provider during its outage) costs what a quiet
 * one does.
 *
 * <p>State: the events waiting for the watermark, and the run, which an event-time timer clears a
 * window after its last event. Events behind the watermark can no longer be placed in the run:
 * they are counted in {@value CountLateEvents#LATE_EVENTS}.
 */
public final class MatchRuns extends KeyedProcessFunction<String, NormalizedEvent, Finding> implements ResumesReleasedCep {

    private static final long serialVersionUID = 1L;

    private final RunDetector detector;
    private transient MapState<Long, List<NormalizedEvent>> pending;
    private transient ListState<NormalizedEvent> run;
    private transient Counter late;

    public MatchRuns(RunDetector detector) {
        this.detector = detector;
    }

    @Override
    public void open(OpenContext openContext) {
        AvroTypeInfo<NormalizedEvent> eventType = new AvroTypeInfo<>(NormalizedEvent.class);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-by-time", Types.LONG, Types.LIST(eventType)));
        run = getRuntimeContext().getListState(new ListStateDescriptor<>("run", eventType));
        late = getRuntimeContext().getMetricGroup().counter(CountLateEvents.LATE_EVENTS);
    }

    @Override
    public void processElement(NormalizedEvent event, Context ctx, Collector<Finding> out) throws Exception {
        long time = event.getEventTime().toEpochMilli();
        if (time <= ctx.timerService().currentWatermark()) {
            late.inc();
            return;
        }
        await(event, ctx.timerService());
    }

    /** Holds the event until the watermark passes it. */
    private void await(NormalizedEvent event, TimerService timers) throws Exception {
        long time = event.getEventTime().toEpochMilli();
        List<NormalizedEvent> atTime = pending.get(time);
        List<NormalizedEvent> updated = atTime == null ? new ArrayList<>() : new ArrayList<>(atTime);
        updated.add(event);
        pending.put(time, updated);
        timers.registerEventTimeTimer(time);
    }

    /** Takes over a released CEP operator's run under way and the events it had waiting. */
    @Override
    public void resume(List<NormalizedEvent> matched, List<NormalizedEvent> waiting, TimerService timers) throws Exception {
        List<NormalizedEvent> kept = new ArrayList<>();
        for (NormalizedEvent event : matched) {
            if (detector.continues(event, List.of())) {
                kept.add(event);
            }
        }
        if (!kept.isEmpty()) {
            List<NormalizedEvent> last = kept.subList(Math.max(0, kept.size() - detector.count()), kept.size());
            run.update(new ArrayList<>(last));
            timers.registerEventTimeTimer(expiry(last.get(last.size() - 1)));
        }
        for (NormalizedEvent event : waiting) {
            await(event, timers);
        }
    }

    /** Timers fire in time order: the events due join the run, then a run a window old is dropped. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
        List<NormalizedEvent> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            for (NormalizedEvent event : due) {
                extend(event, ctx.timerService(), out);
            }
        }
        List<NormalizedEvent> current = current();
        if (!current.isEmpty() && expiry(current.get(current.size() - 1)) <= timestamp) {
            run.clear();
        }
    }

    private void extend(NormalizedEvent event, TimerService timers, Collector<Finding> out) throws Exception {
        List<NormalizedEvent> current = current();
        if (!detector.continues(event, List.of())) {
            clear(current, timers);
            return;
        }
        long time = event.getEventTime().toEpochMilli();
        int from = 0;
        while (from < current.size()
                && (current.size() - from >= detector.count() || time - current.get(from).getEventTime().toEpochMilli() >= detector.window().toMillis())) {
            from++;
        }
        List<NormalizedEvent> next = new ArrayList<>(current.subList(from, current.size()));
        next.add(event);
        if (!current.isEmpty()) {
            dropExpiry(current, timers);
        }
        timers.registerEventTimeTimer(expiry(event));
        run.update(next);
        if (next.size() == detector.count() && (!detector.readsRun() || isRun(next))) {
            Finding finding = detector.onRun(next);
            if (finding != null) {
                out.collect(finding);
            }
        }
    }

    /** Each event of the candidate can follow the ones before it. */
    private boolean isRun(List<NormalizedEvent> candidate) {
        for (int i = 1; i < candidate.size(); i++) {
            if (!detector.continues(candidate.get(i), candidate.subList(0, i))) {
                return false;
            }
        }
        return true;
    }

    private void clear(List<NormalizedEvent> current, TimerService timers) throws Exception {
        if (!current.isEmpty()) {
            dropExpiry(current, timers);
            run.clear();
        }
    }

    /** Deletes the run's expiry timer, one per key at a time, unless events waiting at that time share it. */
    private void dropExpiry(List<NormalizedEvent> current, TimerService timers) throws Exception {
        long expiry = expiry(current.get(current.size() - 1));
        if (!pending.contains(expiry)) {
            timers.deleteEventTimeTimer(expiry);
        }
    }

    private List<NormalizedEvent> current() throws Exception {
        List<NormalizedEvent> events = new ArrayList<>();
        Iterable<NormalizedEvent> stored = run.get();
        if (stored != null) {
            stored.forEach(events::add);
        }
        return events;
    }

    /** When the run's newest event can no longer be the first of a run. */
    private long expiry(NormalizedEvent newest) {
        return newest.getEventTime().toEpochMilli() + detector.window().toMillis();
    }
}
