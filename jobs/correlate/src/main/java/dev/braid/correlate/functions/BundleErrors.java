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
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Bundles events that carry no trace id around each error: for every ERROR or FATAL event, once
 * the watermark passes {@code anchor + window}, emits the events of its bundle key within
 * {@code [anchor - window, anchor + window]} as an {@link TraceKind#ERROR_BUNDLE} with trace id
 * {@code bundle:<anchor id>}. Several errors in one window each anchor a bundle of their own, so
 * downstream sees one trace per error even when their events overlap.
 *
 * <p>Keyed by {@link #bundleKey}. An event is kept until the watermark passes
 * {@code eventTime + 2 * window}: the last bundle that can hold it is anchored {@code window}
 * after it and emitted {@code window} later still. Cleanup timers are rounded up to whole windows,
 * so a key has at most one per window besides one per error; only they forget events, as each
 * forgetting reads all of the key's.
 *
 * <p>Wall time steps in where event time cannot:
 * <ul>
 *   <li><b>Quiet input.</b> When the watermark stood still for {@code quiet} since the key's last
 *       event, the open bundles are emitted with the events they have.
 *   <li><b>Behind the watermark.</b> An event older than every open bundle could take (history
 *       shipped late, a producer whose clock lags) is <i>replayed</i>: kept by its slot of event
 *       time, so that a bundle reads only the slots of its window; an error among them anchors a
 *       bundle of the events around it, emitted {@code quiet} after it arrived, and a slot is
 *       forgotten {@code 2 * quiet} after the last event arrived in it.
 * </ul>
 * An event that arrives for the window of a bundle already emitted (when traffic resumes, or one
 * that another job's ordering put behind its error) emits that bundle again as the next version.
 * The TTL is a backstop of days, never shorter than a lull: it counts wall time, not event time.
 */
public final class BundleErrors extends KeyedProcessFunction<String, NormalizedEvent, CorrelatedTrace> {

    private static final long serialVersionUID = 1L;

    /**
     * Errors that came between one and two windows late, too late to anchor a bundle: they are on
     * the events topic, and here so that an on-call engineer sees which errors have no bundle.
     */
    public static final OutputTag<NormalizedEvent> UNBUNDLED_ERRORS =
            new OutputTag<>("unbundled-errors", new AvroTypeInfo<>(NormalizedEvent.class));

    /** Metric: errors that came between one and two windows late, too late to anchor a bundle. */
    public static final String LATE_FOR_BUNDLE = "lateForBundle";
    /** Metric: bundles emitted by wall time because the watermark stood still. */
    public static final String CLOSED_WHILE_QUIET = "bundlesClosedWhileQuiet";
    /** Metric: events behind the watermark, bundled by wall time. */
    public static final String REPLAYED = "eventsReplayed";

    /** RocksDB compaction checks the TTL of this many entries before it refreshes the time. */
    private static final long TTL_QUERY_INTERVAL = 1000;

    private static final long SECOND = 1000;

    /** Replayed events are kept in slots of a fiftieth of the window: a bundle reads about a hundred. */
    private static final long SLOTS_PER_WINDOW = 50;

    private final long window;
    private final long slot;
    private final long quiet;
    private final Duration stateTtl;

    // Keyed by event time so that timers scan only the keys and read just the events a bundle
    // needs; a list per millisecond because several events may share one.
    private transient MapState<Long, List<NormalizedEvent>> eventsByTime;
    // Replayed errors, keyed by the (whole) second they arrived, for their anchor timers. Release
    // 0.1.0 kept every replayed event here; a savepoint of it drains within 2 * quiet.
    private transient MapState<Long, List<NormalizedEvent>> replayedByArrival;
    // Replayed events by the start of their slot of event time, and when each slot last gained one.
    private transient MapState<Long, List<NormalizedEvent>> replayedBySlot;
    private transient MapState<Long, Long> slotArrivals;
    // Bundles emitted, by anchor id: a later event in their window emits a new version.
    private transient MapState<String, EmittedBundle> emittedBundles;
    private transient ValueState<BundleProgress> progress;
    private transient Counter lateForBundle;
    private transient Counter closedWhileQuiet;
    private transient Counter replayed;

    public BundleErrors(Duration window, Duration quiet, Duration stateTtl) {
        this.window = window.toMillis();
        this.slot = Math.max(1, this.window / SLOTS_PER_WINDOW);
        this.quiet = quiet.toMillis();
        this.stateTtl = stateTtl;
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
        StateTtlConfig ttl = StateTtlConfig.newBuilder(stateTtl)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .cleanupInRocksdbCompactFilter(TTL_QUERY_INTERVAL)
                .build();
        ListTypeInfo<NormalizedEvent> eventList = new ListTypeInfo<>(new AvroTypeInfo<>(NormalizedEvent.class));
        MapStateDescriptor<Long, List<NormalizedEvent>> byTime = new MapStateDescriptor<>("events-by-time", Types.LONG, eventList);
        MapStateDescriptor<Long, List<NormalizedEvent>> byArrival =
                new MapStateDescriptor<>("replayed-by-arrival", Types.LONG, eventList);
        MapStateDescriptor<Long, List<NormalizedEvent>> bySlot = new MapStateDescriptor<>("replayed-by-slot", Types.LONG, eventList);
        MapStateDescriptor<Long, Long> arrivals = new MapStateDescriptor<>("replayed-slot-arrivals", Types.LONG, Types.LONG);
        MapStateDescriptor<String, EmittedBundle> emitted =
                new MapStateDescriptor<>("emitted-bundles", Types.STRING, TypeInformation.of(EmittedBundle.class));
        ValueStateDescriptor<BundleProgress> progressDescriptor =
                new ValueStateDescriptor<>("bundle-progress", TypeInformation.of(BundleProgress.class));
        for (var descriptor : List.of(byTime, byArrival, bySlot, arrivals, emitted, progressDescriptor)) {
            descriptor.enableTimeToLive(ttl);
        }
        eventsByTime = getRuntimeContext().getMapState(byTime);
        replayedByArrival = getRuntimeContext().getMapState(byArrival);
        replayedBySlot = getRuntimeContext().getMapState(bySlot);
        slotArrivals = getRuntimeContext().getMapState(arrivals);
        emittedBundles = getRuntimeContext().getMapState(emitted);
        progress = getRuntimeContext().getState(progressDescriptor);
        lateForBundle = getRuntimeContext().getMetricGroup().counter(LATE_FOR_BUNDLE);
        closedWhileQuiet = getRuntimeContext().getMetricGroup().counter(CLOSED_WHILE_QUIET);
        replayed = getRuntimeContext().getMetricGroup().counter(REPLAYED);
    }

    /**
     * Keeps the event while a bundle it falls in is still open, or as replayed when every such
     * bundle was emitted. An error whose own window has passed but not its second one anchors no
     * bundle, as the events before it may be gone, but still joins the bundles of errors that are
     * open: it counts as {@value #LATE_FOR_BUNDLE}.
     */
    @Override
    public void processElement(NormalizedEvent event, Context ctx, Collector<CorrelatedTrace> out) throws Exception {
        TimerService timers = ctx.timerService();
        long time = event.getEventTime().toEpochMilli();
        long watermark = timers.currentWatermark();
        if (time + 2 * window <= watermark) {
            if (replay(event, timers)) {
                emitAgainAround(time, out);
            }
            return;
        }
        if (!addOnce(eventsByTime, time, event)) {
            return;
        }
        emitAgainAround(time, out);
        boolean anchor = isError(event) && time + window > watermark;
        if (isError(event) && !anchor) {
            lateForBundle.inc();
            ctx.output(UNBUNDLED_ERRORS, event);
        }
        timers.registerEventTimeTimer(cleanupTime(time));
        if (anchor) {
            timers.registerEventTimeTimer(time + window);
        }
        arrived(time, timers);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CorrelatedTrace> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            // The anchor's own cleanup timer, at least a window later, forgets what this one could: each
            // forgetting scans the key's events, and a busy key has an anchor timer per error.
            if (!emitBundlesAnchoredAt(timestamp - window, out)) {
                forgetLiveBefore(timestamp - 2 * window, ctx.timerService());
            }
        } else {
            emitReplayedBundlesArrivedAt(timestamp - quiet, out);
            forgetReplayedBefore(timestamp - 2 * quiet);
            BundleProgress key = progress.value();
            if (key != null && key.quietTimer == timestamp) {
                onQuietCheck(key, timestamp, ctx.timerService(), out);
            }
        }
        forgetKeyIfEmpty(ctx.timerService());
    }

    /** A key with no events left keeps nothing, not even its quiet check. */
    private void forgetKeyIfEmpty(TimerService timers) throws Exception {
        BundleProgress key = progress.value();
        if (key != null && eventsByTime.isEmpty() && replayedByArrival.isEmpty() && replayedBySlot.isEmpty()) {
            if (key.quietTimer != 0) {
                timers.deleteProcessingTimeTimer(key.quietTimer);
            }
            progress.clear();
            emittedBundles.clear();
        }
    }

    /**
     * Emits the bundles of the errors whose window ends now. Every error at {@code anchorTime} is
     * an anchor: one that came too late for its window arrived after this timer's time had passed,
     * so it cannot be here.
     *
     * @return whether an error anchors a bundle at {@code anchorTime}
     */
    private boolean emitBundlesAnchoredAt(long anchorTime, Collector<CorrelatedTrace> out) throws Exception {
        List<NormalizedEvent> anchors = errorsIn(eventsByTime.get(anchorTime));
        if (!anchors.isEmpty()) {
            List<NormalizedEvent> around = eventsWithin(anchorTime - window, anchorTime + window);
            for (NormalizedEvent anchor : anchors) {
                emit(anchor, around, out);
            }
        }
        return !anchors.isEmpty();
    }

    /**
     * Emits the bundle of {@code anchor}: version 1 the first time, then a version more each time
     * it gained events, so an emitted bundle never misses what arrived for its window later.
     *
     * @return whether it came out now
     */
    private boolean emit(NormalizedEvent anchor, Collector<CorrelatedTrace> out) throws Exception {
        long anchorTime = anchor.getEventTime().toEpochMilli();
        return emit(anchor, eventsWithin(anchorTime - window, anchorTime + window), out);
    }

    /**
     * The same, with the bundle taken from {@code around}, the key's events of a span that holds
     * the anchor's window: reading the key's events once serves every anchor in that span.
     */
    private boolean emit(NormalizedEvent anchor, List<NormalizedEvent> around, Collector<CorrelatedTrace> out) throws Exception {
        long anchorTime = anchor.getEventTime().toEpochMilli();
        List<NormalizedEvent> events = within(around, anchorTime - window, anchorTime + window);
        EmittedBundle before = emittedBundles.get(anchor.getId());
        if (before != null && events.size() <= before.events) {
            return false;
        }
        int version = before == null ? 1 : before.version + 1;
        emittedBundles.put(anchor.getId(), new EmittedBundle(anchorTime, version, events.size()));
        out.collect(bundle(anchor, version, before == null ? CloseReason.BUNDLE_WINDOW : CloseReason.LATE_EVENT, events));
        return true;
    }

    /**
     * An event arrived in the window of bundles that came out already: they come out again with it,
     * all taken from one read of the events their windows span.
     */
    private void emitAgainAround(long time, Collector<CorrelatedTrace> out) throws Exception {
        List<String> anchors = new ArrayList<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Map.Entry<String, EmittedBundle> emitted : emittedBundles.entries()) {
            long anchorTime = emitted.getValue().anchorTime;
            if (Math.abs(anchorTime - time) <= window) {
                anchors.add(emitted.getKey());
                first = Math.min(first, anchorTime);
                last = Math.max(last, anchorTime);
            }
        }
        if (anchors.isEmpty()) {
            return;
        }
        List<NormalizedEvent> around = eventsWithin(first - window, last + window);
        for (String id : anchors) {
            NormalizedEvent anchor = withId(around, id);
            if (anchor != null) {
                emit(anchor, around, out);
            }
        }
    }

    private static NormalizedEvent withId(List<NormalizedEvent> events, String id) {
        for (NormalizedEvent event : events == null ? List.<NormalizedEvent>of() : events) {
            if (event.getId().equals(id)) {
                return event;
            }
        }
        return null;
    }

    /** The watermark stood still since the key's last event: emit what the open bundles have. */
    private void onQuietCheck(BundleProgress key, long now, TimerService timers, Collector<CorrelatedTrace> out)
            throws Exception {
        key.quietTimer = 0;
        long watermark = timers.currentWatermark();
        if (now < key.lastArrival + quiet) {
            armQuietTimer(key, key.lastArrival + quiet, timers);
        } else if (watermark == key.watermarkAtArrival) {
            emitOpenBundles(watermark, out);
        } else {
            key.watermarkAtArrival = watermark;
            armQuietTimer(key, now + quiet, timers);
        }
        progress.update(key);
    }

    private void emitOpenBundles(long watermark, Collector<CorrelatedTrace> out) throws Exception {
        for (Map.Entry<Long, List<NormalizedEvent>> atTime : eventsByTime.entries()) {
            if (atTime.getKey() + window <= watermark) {
                continue; // its event-time close has fired
            }
            for (NormalizedEvent anchor : errorsIn(atTime.getValue())) {
                boolean first = !emittedBundles.contains(anchor.getId());
                if (emit(anchor, out) && first) {
                    closedWhileQuiet.inc();
                }
            }
        }
    }

    /**
     * Keeps an event behind every open bundle in its slot, and an error also by the second it
     * arrived, for its anchor timer; false for a replay of one kept.
     */
    private boolean replay(NormalizedEvent event, TimerService timers) throws Exception {
        long arrival = ceilTo(timers.currentProcessingTime(), SECOND);
        if (!keepReplayed(event, arrival)) {
            return false;
        }
        replayed.inc();
        if (isError(event)) {
            addOnce(replayedByArrival, arrival, event);
            timers.registerProcessingTimeTimer(arrival + quiet);
        }
        timers.registerProcessingTimeTimer(arrival + 2 * quiet);
        arrived(event.getEventTime().toEpochMilli(), timers);
        return true;
    }

    private boolean keepReplayed(NormalizedEvent event, long arrival) throws Exception {
        long start = slotOf(event.getEventTime().toEpochMilli());
        if (!addOnce(replayedBySlot, start, event)) {
            return false;
        }
        slotArrivals.put(start, arrival);
        return true;
    }

    private long slotOf(long time) {
        return Math.floorDiv(time, slot) * slot;
    }

    private void emitReplayedBundlesArrivedAt(long arrival, Collector<CorrelatedTrace> out) throws Exception {
        for (NormalizedEvent anchor : errorsIn(replayedByArrival.get(arrival))) {
            emit(anchor, out);
        }
    }

    /** Forgets the replayed errors that arrived by {@code arrival}, and the slots that gained nothing since. */
    private void forgetReplayedBefore(long arrival) throws Exception {
        removeKeysUpTo(replayedByArrival, arrival);
        for (Long start : removeWhere(slotArrivals, lastArrival -> lastArrival <= arrival)) {
            replayedBySlot.remove(start);
        }
    }

    /**
     * Forgets the events no open bundle can need: those at or before {@code time}. When the key's
     * producer lags the watermark (its newest event is already two windows behind it), its next
     * events arrive behind too and may need these: they are kept as replayed instead, arrived now,
     * but anchor nothing again.
     */
    private void forgetLiveBefore(long time, TimerService timers) throws Exception {
        BundleProgress key = progress.value();
        long watermark = timers.currentWatermark();
        boolean lagging = key != null && watermark != Long.MAX_VALUE // the end of the input: nothing follows
                && key.newestEventTime + 2 * window <= watermark;
        if (!lagging) {
            removeKeysUpTo(eventsByTime, time);
            forgetEmittedUpTo(time);
            return;
        }
        long arrival = ceilTo(timers.currentProcessingTime(), SECOND);
        List<Long> moved = new ArrayList<>();
        for (Map.Entry<Long, List<NormalizedEvent>> atTime : eventsByTime.entries()) {
            if (atTime.getKey() <= time) {
                for (NormalizedEvent event : atTime.getValue()) {
                    keepReplayed(event, arrival);
                }
                moved.add(atTime.getKey());
            }
        }
        for (Long movedTime : moved) {
            eventsByTime.remove(movedTime);
        }
        if (!moved.isEmpty()) {
            timers.registerProcessingTimeTimer(arrival + 2 * quiet);
        }
    }

    private void forgetEmittedUpTo(long anchorTime) throws Exception {
        removeWhere(emittedBundles, bundle -> bundle.anchorTime <= anchorTime);
    }

    /** Removes the entries whose value is {@code doomed}; returns their keys. */
    private static <K, V> List<K> removeWhere(MapState<K, V> state, Predicate<V> doomed) throws Exception {
        List<K> removed = new ArrayList<>();
        for (Map.Entry<K, V> entry : state.entries()) {
            if (doomed.test(entry.getValue())) {
                removed.add(entry.getKey());
            }
        }
        for (K key : removed) {
            state.remove(key);
        }
        return removed;
    }

    private static void removeKeysUpTo(MapState<Long, List<NormalizedEvent>> state, long bound) throws Exception {
        List<Long> expired = new ArrayList<>();
        for (Long key : state.keys()) {
            if (key <= bound) {
                expired.add(key);
            }
        }
        for (Long key : expired) {
            state.remove(key);
        }
    }

    private void arrived(long eventTime, TimerService timers) throws Exception {
        BundleProgress key = progress.value();
        if (key == null) {
            key = new BundleProgress();
        }
        key.newestEventTime = Math.max(key.newestEventTime, eventTime);
        key.lastArrival = timers.currentProcessingTime();
        key.watermarkAtArrival = timers.currentWatermark();
        if (key.quietTimer == 0) { // one quiet timer per key: it re-arms itself from lastArrival
            armQuietTimer(key, key.lastArrival + quiet, timers);
        }
        progress.update(key);
    }

    private static void armQuietTimer(BundleProgress key, long at, TimerService timers) {
        key.quietTimer = at;
        timers.registerProcessingTimeTimer(at);
    }

    /** Adds the event under {@code key} unless an event of its id is there: a replay is kept once. */
    private static boolean addOnce(MapState<Long, List<NormalizedEvent>> state, long key, NormalizedEvent event)
            throws Exception {
        List<NormalizedEvent> atKey = state.get(key);
        List<NormalizedEvent> events = atKey == null ? new ArrayList<>() : atKey;
        if (withId(events, event.getId()) != null) {
            return false;
        }
        events.add(event);
        state.put(key, events);
        return true;
    }

    /** The whole window at or after which the event is no longer needed, so cleanups coalesce. */
    private long cleanupTime(long time) {
        return ceilTo(time + 2 * window, window);
    }

    private static long ceilTo(long time, long unit) {
        return Math.floorDiv(time + unit - 1, unit) * unit;
    }

    /**
     * The key's events with times in {@code [from, to]}, live and replayed alike: which of the two an
     * event is depends on when it arrived, and one bundle can hold both. Each id once.
     */
    private List<NormalizedEvent> eventsWithin(long from, long to) throws Exception {
        Map<String, NormalizedEvent> byId = new LinkedHashMap<>();
        for (Map.Entry<Long, List<NormalizedEvent>> atTime : eventsByTime.entries()) {
            if (atTime.getKey() >= from && atTime.getKey() <= to) {
                atTime.getValue().forEach(event -> byId.putIfAbsent(event.getId(), event));
            }
        }
        for (long start = slotOf(from); start <= to; start += slot) {
            addWithin(replayedBySlot.get(start), from, to, byId);
        }
        for (List<NormalizedEvent> arrived : replayedByArrival.values()) {
            addWithin(arrived, from, to, byId);
        }
        return new ArrayList<>(byId.values());
    }

    /** Those of the events with times in {@code [from, to]}, in their order. */
    private static List<NormalizedEvent> within(List<NormalizedEvent> events, long from, long to) {
        Map<String, NormalizedEvent> byId = new LinkedHashMap<>();
        addWithin(events, from, to, byId);
        return new ArrayList<>(byId.values());
    }

    private static void addWithin(List<NormalizedEvent> events, long from, long to, Map<String, NormalizedEvent> byId) {
        for (NormalizedEvent event : events == null ? List.<NormalizedEvent>of() : events) {
            long time = event.getEventTime().toEpochMilli();
            if (time >= from && time <= to) {
                byId.putIfAbsent(event.getId(), event);
            }
        }
    }

    private static List<NormalizedEvent> errorsIn(List<NormalizedEvent> events) {
        return events == null ? List.of() : events.stream()
                .filter(BundleErrors::isError).sorted(Comparator.comparing(NormalizedEvent::getId)).toList();
    }

    private static CorrelatedTrace bundle(NormalizedEvent anchor, int version, CloseReason reason, List<NormalizedEvent> events) {
        return Traces.build("bundle:" + anchor.getId(), TraceKind.ERROR_BUNDLE, version, reason, events);
    }

    private static boolean isError(NormalizedEvent event) {
        return event.getLevel().ordinal() >= Level.ERROR.ordinal();
    }
}
