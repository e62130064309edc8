package dev.braid.detect.baseline;

import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/** Keeps one {@link Tracked} record per key, updated by every event of the key. Emits nothing. */
final class KeepStats<S> extends KeyedProcessFunction<String, NormalizedEvent, Void> {

    private static final long serialVersionUID = 1L;

    private final Tracked<S> tracked;
    private final Duration forgetAfter;
    private transient ValueState<S> stats;

    KeepStats(Tracked<S> tracked, Duration forgetAfter) {
        this.tracked = tracked;
        this.forgetAfter = forgetAfter;
    }

    @Override
    public void open(OpenContext context) {
        stats = getRuntimeContext().getState(BaselineState.descriptor(tracked.type(), forgetAfter));
    }

    @Override
    public void processElement(NormalizedEvent event, Context context, Collector<Void> out) throws Exception {
        stats.update(tracked.update(stats.value(), event));
    }
}
