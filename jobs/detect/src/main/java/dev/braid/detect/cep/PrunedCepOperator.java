package dev.braid.detect.cep;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.ComputationState;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimer;

import java.util.List;

/**
 * Flink's event-time {@link CepOperator}, minus its leak of one NFA state per key.
 *
 * <p>{@code CepOperator} writes a key's NFA state back after every change and never clears it: once
 * the key's partial matches have expired, the state still holds the NFA's start state. Braid's
 * keys are short-lived (task ids, job ids, test runs), so that is one entry per key ever seen.
 * After each timer this operator checks whether the NFA is back at its start with nothing
 * buffered and, if so, clears it; the next event of the key starts from a fresh NFA, which is what
 * the start state means. It reaches the operator's state by the names {@code CepOperator} gives
 * it, so it is tied to the Flink version in the pom, and {@code CepStateBoundTest} guards that.
 */
public final class PrunedCepOperator<IN, OUT> extends CepOperator<IN, String, OUT> {

    private static final long serialVersionUID = 1L;

    /** The state names of {@link CepOperator}; private there. */
    private static final String NFA_STATE_NAME = "nfaStateName";
    private static final String EVENT_QUEUE_STATE_NAME = "eventQueuesStateName";

    private final TypeSerializer<IN> inputSerializer;
    private transient ValueState<NFAState> nfaStates;
    private transient MapState<Long, List<IN>> queuedEvents;

    public PrunedCepOperator(
            TypeSerializer<IN> inputSerializer,
            NFACompiler.NFAFactory<IN> nfaFactory,
            AfterMatchSkipStrategy afterMatchSkipStrategy,
            PatternProcessFunction<IN, OUT> function) {
        super(inputSerializer, false, nfaFactory, null, afterMatchSkipStrategy, function, null);
        this.inputSerializer = inputSerializer;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        nfaStates = context.getKeyedStateStore()
                .getState(new ValueStateDescriptor<>(NFA_STATE_NAME, new NFAStateSerializer()));
        queuedEvents = context.getKeyedStateStore()
                .getMapState(new MapStateDescriptor<>(EVENT_QUEUE_STATE_NAME, LongSerializer.INSTANCE,
                        new ListSerializer<>(inputSerializer)));
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        super.onEventTime(timer);
        NFAState state = nfaStates.value();
        if (state != null && atStart(state) && queuedEvents.isEmpty()) {
            nfaStates.clear();
        }
    }

    /** No partial or completed match is in flight: only start states, which point at no event. */
    private static boolean atStart(NFAState state) {
        if (!state.getCompletedMatches().isEmpty()) {
            return false;
        }
        for (ComputationState computation : state.getPartialMatches()) {
            if (computation.getStartEventID() != null || computation.getPreviousBufferEntry() != null) {
                return false;
            }
        }
        return true;
    }
}
