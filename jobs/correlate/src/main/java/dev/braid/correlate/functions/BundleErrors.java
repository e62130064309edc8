package dev.braid.correlate.functions;

import dev.braid.correlate.model.Traces;
import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TraceKind;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Bundles events that carry no trace id around each error: for every ERROR or FATAL event, once
 * the watermark passes {@code anchor + window}, emits the events of its bundle key within
 * {@code [anchor - window, anchor + window]} as an {@link TraceKind#ERROR_BUNDLE} with trace id
 * {@code bundle:<anchor id>}. Several errors in one window each anchor a bundle of their own, so
 * downstream sees one trace per error even when their events overlap.
 *
 * <p>Keyed by {@link #bundleKey}. An event is kept until the watermark passes
 * {@code eventTime + 2 * window}: the last bundle that can hold it is anchored {@code window}
 * after it and emitted {@code window} later still. One event-time timer per distinct time does
 * the cleanup, so a quiet key holds no state and no timers.
 */
public final class BundleErrors extends KeyedProcessFunction<String, NormalizedEvent, CorrelatedTrace> {

    private static final long serialVersionUID = 1L;

    /** Metric: events that came too late to take their part in a bundle (see {@link #processElement}). */
    public static final String LATE_FOR_BUNDLE = "lateForBundle";

    /** State outlives its timers only if they were lost: TTL is a backstop, in windows of processing time. */
    private static final int TTL_WINDOWS = 10;

    /** RocksDB compaction checks the TTL of this many entries before it refreshes the time. */
    private static final long TTL_QUERY_INTERVAL = 1000;

    private final long window;

    // Keyed by event time so that timers scan only the keys and read just the events a bundle
    // needs; a list per millisecond because several events may share one.
    private transient MapState<Long, List<NormalizedEvent>> eventsByTime;
    private transient Counter lateForBundle;

    public BundleErrors(Duration window) {
        this.window = window.toMillis();
    }

    /** Whether the event names a session, service or repo to bundle it by. */
    public static boolean bundleable(NormalizedEvent event) {
        return scope(event.getKeys()) != null;
    }

    /**
     * Tenant ({@code -} when unknown) and the first of session, service and repo the event names,
     * for example {@code acme|service:checkout}. Only for {@link #bundleable} events.
     */
    public static String bundleKey(NormalizedEvent event) {
        CorrelationKeys keys = event.getKeys();
        String scope = scope(keys);
        if (scope == null) {
            throw new IllegalArgumentException("event " + event.getId() + " names no session, service or repo");
        }
        return (keys.getTenant() == null ? "-" : keys.getTenant()) + "|" + scope;
    }

    private static String scope(CorrelationKeys keys) {
        if (present(keys.getSession())) {
            return "session:" + keys.getSession();
        }
        if (present(keys.getService())) {
            return "service:" + keys.getService();
        }
        return present(keys.getRepo()) ? "repo:" + keys.getRepo() : null;
    }

    private static boolean present(String value) {
        return value != null && !value.isEmpty();
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<Long, List<NormalizedEvent>> descriptor = new MapStateDescriptor<>(
                "events-by-time", Types.LONG, new ListTypeInfo<>(new AvroTypeInfo<>(NormalizedEvent.class)));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(TTL_WINDOWS * window))
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .cleanupInRocksdbCompactFilter(TTL_QUERY_INTERVAL)
                .build());
        eventsByTime = getRuntimeContext().getMapState(descriptor);
        lateForBundle = getRuntimeContext().getMetricGroup().counter(LATE_FOR_BUNDLE);
    }

    /**
     * Keeps the event while a bundle it falls in is still open. It is dropped from bundling (it
     * stays on the events topic) once every such bundle was emitted; an error whose own window
     * has passed anchors no bundle, as the events before it may be gone, but still joins the
     * bundles of errors that are open. Both count as {@value #LATE_FOR_BUNDLE}.
     */
    @Override
    public void processElement(NormalizedEvent event, Context ctx, Collector<CorrelatedTrace> out) throws Exception {
        long time = event.getEventTime().toEpochMilli();
        long watermark = ctx.timerService().currentWatermark();
        if (time + 2 * window <= watermark) {
            lateForBundle.inc();
            return;
        }
        List<NormalizedEvent> atTime = eventsByTime.get(time);
        List<NormalizedEvent> events = atTime == null ? new ArrayList<>() : atTime;
        if (events.stream().anyMatch(e -> e.getId().equals(event.getId()))) { // a replay: kept once
            return;
        }
        boolean anchor = isError(event) && time + window > watermark;
        if (isError(event) && !anchor) {
            lateForBundle.inc();
        }
        events.add(event);
        eventsByTime.put(time, events);
        ctx.timerService().registerEventTimeTimer(time + 2 * window);
        if (anchor) {
            ctx.timerService().registerEventTimeTimer(time + window);
        }
    }

    /**
     * Emits the bundles of the errors whose window ends now, then forgets the events no bundle
     * can need any more. Every error at {@code timestamp - window} is an anchor: one that came
     * too late for its window arrived after this timer's time had passed, so it cannot be here.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CorrelatedTrace> out) throws Exception {
        List<NormalizedEvent> atAnchorTime = eventsByTime.get(timestamp - window);
        List<NormalizedEvent> anchors = atAnchorTime == null ? List.of() : atAnchorTime.stream()
                .filter(BundleErrors::isError).sorted(Comparator.comparing(NormalizedEvent::getId)).toList();
        if (!anchors.isEmpty()) {
            List<NormalizedEvent> bundle = eventsWithin(timestamp - 2 * window, timestamp);
            for (NormalizedEvent anchor : anchors) {
                out.collect(Traces.build("bundle:" + anchor.getId(), TraceKind.ERROR_BUNDLE, 1,
                        CloseReason.BUNDLE_WINDOW, bundle));
            }
        }
        List<Long> expired = new ArrayList<>();
        for (Long time : eventsByTime.keys()) {
            if (time + 2 * window <= timestamp) {
                expired.add(time);
            }
        }
        for (Long time : expired) {
            eventsByTime.remove(time);
        }
    }

    private List<NormalizedEvent> eventsWithin(long from, long to) throws Exception {
        List<NormalizedEvent> events = new ArrayList<>();
        for (Map.Entry<Long, List<NormalizedEvent>> atTime : eventsByTime.entries()) {
            if (atTime.getKey() >= from && atTime.getKey() <= to) {
                events.addAll(atTime.getValue());
            }
        }
        return events;
    }

    private static boolean isError(NormalizedEvent event) {
        return event.getLevel().ordinal() >= Level.ERROR.ordinal();
    }
}
