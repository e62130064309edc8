package dev.braid.detect.baseline;

import dev.braid.detect.rules.EventFields;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * The browser reports a request and its outcome as two CDP events joined by request id: the
 * request has the method, the response the status and timing (a failure only its error). This
 * pairs them, in either order, into the outcome event carrying the request's method and URL.
 * A half whose other half never comes is forgotten after {@link #WAIT}.
 */
final class PairExchanges extends KeyedProcessFunction<String, NormalizedEvent, NormalizedEvent> {

    private static final long serialVersionUID = 1L;
    static final Duration WAIT = Duration.ofMinutes(10);

    private transient ValueState<NormalizedEvent> waiting;

    static boolean selects(NormalizedEvent event) {
        return event.getSource() == Source.BROWSER
                && event.getPayload() instanceof NetworkRequest request
                && request.getRequestId() != null;
    }

    /** Request ids are unique within a browser session. */
    static String key(NormalizedEvent event) {
        String session = EventFields.keys(event).getSession();
        return (session == null ? "" : session) + '|' + ((NetworkRequest) event.getPayload()).getRequestId();
    }

    @Override
    public void open(OpenContext context) {
        ValueStateDescriptor<NormalizedEvent> descriptor =
                new ValueStateDescriptor<>("waiting-half", new AvroTypeInfo<>(NormalizedEvent.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(WAIT).updateTtlOnCreateAndWrite().neverReturnExpired().build());
        waiting = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(NormalizedEvent event, Context context, Collector<NormalizedEvent> out) throws Exception {
        NormalizedEvent other = waiting.value();
        if (other != null && isRequest(other) != isRequest(event)) {
            waiting.clear();
            out.collect(isRequest(event) ? paired(event, other) : paired(other, event));
        } else {
            waiting.update(event);
        }
    }

    private static boolean isRequest(NormalizedEvent event) {
        return ((NetworkRequest) event.getPayload()).getMethod() != null;
    }

    /** The outcome, with the method, and the URL when the outcome has none (a failure). */
    private static NormalizedEvent paired(NormalizedEvent request, NormalizedEvent outcome) {
        NetworkRequest asked = (NetworkRequest) request.getPayload();
        NetworkRequest answered = (NetworkRequest) outcome.getPayload();
        NetworkRequest exchange = NetworkRequest.newBuilder(answered)
                .setMethod(asked.getMethod())
                .setUrl(answered.getUrl() != null ? answered.getUrl() : asked.getUrl())
                .build();
        NormalizedEvent.Builder paired = NormalizedEvent.newBuilder(outcome).setPayload(exchange);
        if (outcome.getTraceId() == null) {
            paired.setTraceId(request.getTraceId());
        }
        return paired.build();
    }
}
