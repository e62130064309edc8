package dev.braid.detect.functions;

import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The end of an event-time operator's late path: events that arrived behind the watermark, which
 * the operator could no longer place in time, are counted in {@value #LATE_EVENTS} rather than
 * lost without a trace.
 */
public final class CountLateEvents extends ProcessFunction<NormalizedEvent, Void> {

    private static final long serialVersionUID = 1L;

    /** The counter every detect operator with a late path registers. */
    public static final String LATE_EVENTS = "lateEvents";

    private transient Counter late;

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().counter(LATE_EVENTS);
    }

    @Override
    public void processElement(NormalizedEvent event, Context ctx, Collector<Void> out) {
        late.inc();
    }
}
