package dev.braid.detect.cep;

import dev.braid.detect.model.Finding;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.sharedbuffer.EventId;
import org.apache.flink.cep.nfa.sharedbuffer.Lockable;
import org.apache.flink.cep.nfa.sharedbuffer.NodeId;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferNodeSerializer;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.Triggerable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A keyed process operator for a rule that released versions ran as a CEP pattern under the same
 * uid: restored from such a savepoint, it hands what that CepOperator kept to its function, the
 * events of its partial matches and the events it buffered for the watermark. The CEP state is
 * then cleared, so nothing of it is carried into the next savepoint, and its timers fire into
 * nothing.
 */
public final class ResumingOperator extends KeyedProcessOperator<String, NormalizedEvent, Finding> {

    private static final long serialVersionUID = 1L;

    /** The names a released CepOperator and its SharedBuffer gave their state and timers. */
    static final String NFA = "nfaStateName";
    static final String QUEUE = "eventQueuesStateName";
    static final String EVENTS = "sharedBuffer-events";
    static final String ENTRIES = "sharedBuffer-entries-with-lockable-edges";
    static final String EVENT_COUNTS = "sharedBuffer-events-count";
    static final String CEP_TIMERS = "watermark-callbacks";
    private static final String USER_TIMERS = "user-timers";

    private final TypeSerializer<NormalizedEvent> serializer;

    /** What a function does with the state of the CepOperator it replaces, per key. */
    public interface ResumesReleasedCep {

        /** The events of the released partial matches (already matched) and those still waiting for the watermark, oldest first. */
        void resume(List<NormalizedEvent> matched, List<NormalizedEvent> waiting, TimerService timers) throws Exception;
    }

    public <F extends KeyedProcessFunction<String, NormalizedEvent, Finding> & ResumesReleasedCep> ResumingOperator(
            F function, TypeSerializer<NormalizedEvent> serializer) {
        super(function);
        this.serializer = serializer;
    }

    @Override
    public void open() throws Exception {
        super.open();
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        Set<String> keys = new LinkedHashSet<>();
        for (String state : List.of(EVENTS, QUEUE)) {
            try (Stream<String> stateKeys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                stateKeys.forEach(keys::add);
            }
        }
        if (!keys.isEmpty()) {
            resumeReleasedCep(keys);
        }
    }

    private void resumeReleasedCep(Set<String> keys) throws Exception {
        getInternalTimerService(CEP_TIMERS, VoidNamespaceSerializer.INSTANCE, new Expired());
        TimerService timers = new SimpleTimerService(getInternalTimerService(USER_TIMERS, VoidNamespaceSerializer.INSTANCE, this));
        MapState<EventId, Lockable<NormalizedEvent>> matched = getKeyedStateStore().getMapState(new MapStateDescriptor<>(
                EVENTS, EventId.EventIdSerializer.INSTANCE, new Lockable.LockableTypeSerializer<>(serializer)));
        MapState<Long, List<NormalizedEvent>> queued = getKeyedStateStore().getMapState(new MapStateDescriptor<>(
                QUEUE, LongSerializer.INSTANCE, new ListSerializer<>(serializer)));
        List<Runnable> clears = List.of(
                getKeyedStateStore().getState(new ValueStateDescriptor<>(NFA, new NFAStateSerializer()))::clear,
                getKeyedStateStore().getMapState(new MapStateDescriptor<>(ENTRIES, new NodeId.NodeIdSerializer(),
                        new Lockable.LockableTypeSerializer<>(new SharedBufferNodeSerializer())))::clear,
                getKeyedStateStore().getMapState(new MapStateDescriptor<>(EVENT_COUNTS, LongSerializer.INSTANCE,
                        IntSerializer.INSTANCE))::clear,
                matched::clear,
                queued::clear);
        ResumesReleasedCep function = (ResumesReleasedCep) getUserFunction();
        for (String key : keys) {
            setCurrentKey(key);
            List<NormalizedEvent> inRun = new ArrayList<>();
            for (Map.Entry<EventId, Lockable<NormalizedEvent>> entry : sorted(matched.entries(), EventId.COMPARATOR)) {
                inRun.add(entry.getValue().getElement());
            }
            List<NormalizedEvent> waiting = new ArrayList<>();
            for (Map.Entry<Long, List<NormalizedEvent>> entry : sorted(queued.entries(), Comparator.<Long>naturalOrder())) {
                waiting.addAll(entry.getValue());
            }
            clears.forEach(Runnable::run);
            function.resume(inRun, waiting, timers);
        }
    }

    private static <K, V> List<Map.Entry<K, V>> sorted(Iterable<Map.Entry<K, V>> entries, Comparator<K> order) {
        List<Map.Entry<K, V>> list = new ArrayList<>();
        entries.forEach(e -> list.add(Map.entry(e.getKey(), e.getValue())));
        list.sort(Map.Entry.comparingByKey(order));
        return list;
    }

    /** The released operator's timers: what they would have processed has moved to the run's own. */
    private static final class Expired implements Triggerable<String, VoidNamespace> {

        @Override
        public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

        @Override
        public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}
    }
}
