package dev.braid.correlate.functions;

import dev.braid.correlate.model.TraceSizeBound;
import dev.braid.schema.CorrelatedTrace;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Cuts each trace to the size bound ({@link TraceSizeBound}) and counts what it leaves out: the
 * events it drops are on the events topic, but not in their trace.
 */
public final class BoundTraceSize extends RichMapFunction<CorrelatedTrace, CorrelatedTrace> {

    private static final long serialVersionUID = 1L;

    /** Metric: traces cut to the size bound. */
    public static final String TRACES_CUT = "tracesCut";
    /** Metric: events left out of the traces that were cut. */
    public static final String EVENTS_LEFT_OUT = "traceEventsLeftOut";

    private final TraceSizeBound bound;
    private transient Counter tracesCut;
    private transient Counter eventsLeftOut;

    public BoundTraceSize(int maxBytes) {
        this.bound = new TraceSizeBound(maxBytes);
    }

    @Override
    public void open(OpenContext openContext) {
        tracesCut = getRuntimeContext().getMetricGroup().counter(TRACES_CUT);
        eventsLeftOut = getRuntimeContext().getMetricGroup().counter(EVENTS_LEFT_OUT);
    }

    @Override
    public CorrelatedTrace map(CorrelatedTrace trace) {
        CorrelatedTrace bounded = bound.apply(trace);
        int leftOut = bounded.getEventsLeftOut() - trace.getEventsLeftOut();
        if (leftOut > 0) {
            tracesCut.inc();
            eventsLeftOut.inc(leftOut);
        }
        return bounded;
    }
}
