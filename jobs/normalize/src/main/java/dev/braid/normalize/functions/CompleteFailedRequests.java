package dev.braid.normalize.functions;

import dev.braid.normalize.parse.browser.CdpEventParser;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Gives a failed browser request the time, URL, method and trace of its start. CDP's
 * {@code Network.loadingFailed} carries only the request id and a monotonic timestamp; the
 * request's {@code Network.requestWillBeSent}, earlier in the same stream, carries its wall time on
 * that same monotonic clock, its URL and its traceparent. Keyed by producer stream and request id.
 *
 * <p>A request's start is remembered until it fails or finishes, or for {@code memory} of wall time
 * after it was seen (a request that never ends, such as a long poll): it is only ever read by the
 * records of its own request, which arrive right after it in the same stream, also when history is
 * replayed. A failure whose start was never seen passes as it came, counted.
 */
public final class CompleteFailedRequests extends KeyedProcessFunction<String, NormalizedEvent, NormalizedEvent> {

    private static final long serialVersionUID = 1L;

    /** Metadata of a completed failure: where its time came from. */
    public static final String TIME_FROM = "time.from";
    /** Metric: failures whose request start was not seen, left without time and URL of their own. */
    public static final String FAILURES_WITHOUT_START = "failuresWithoutStart";

    private static final String REQUEST_WILL_BE_SENT = "Network.requestWillBeSent";
    private static final String LOADING_FAILED = "Network.loadingFailed";
    private static final String LOADING_FINISHED = "Network.loadingFinished";

    /** What a request's start tells about it. A Flink POJO. */
    public static class RequestStart {
        public long eventTime;
        public double monotonicTime;
        public String method;
        public String url;
        public String traceId;
        public String spanId;

        public RequestStart() {}
    }

    private final Duration memory;
    private transient ValueState<RequestStart> start;
    private transient Counter withoutStart;

    public CompleteFailedRequests(Duration memory) {
        this.memory = memory;
    }

    /** The CDP events of a request's life that this function reads. */
    public static boolean isRequestLifecycle(NormalizedEvent event) {
        String method = event.getMetadata().get("cdp.method");
        return REQUEST_WILL_BE_SENT.equals(method) || LOADING_FAILED.equals(method) || LOADING_FINISHED.equals(method);
    }

    /** The request id, which CDP events of a request carry in the payload or the metadata. */
    public static String requestId(NormalizedEvent event) {
        return event.getPayload() instanceof NetworkRequest request && request.getRequestId() != null
                ? request.getRequestId()
                : event.getMetadata().getOrDefault("requestId", "");
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<RequestStart> descriptor =
                new ValueStateDescriptor<>("request-start", TypeInformation.of(RequestStart.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(memory).neverReturnExpired()
                .cleanupInRocksdbCompactFilter(1000).build());
        start = getRuntimeContext().getState(descriptor);
        withoutStart = getRuntimeContext().getMetricGroup().counter(FAILURES_WITHOUT_START);
    }

    @Override
    public void processElement(NormalizedEvent event, Context ctx, Collector<NormalizedEvent> out) throws Exception {
        String method = event.getMetadata().get("cdp.method");
        if (REQUEST_WILL_BE_SENT.equals(method)) {
            start.update(startOf(event));
        } else if (LOADING_FAILED.equals(method)) {
            RequestStart started = start.value();
            if (started == null) {
                withoutStart.inc();
            } else {
                complete(event, started);
            }
            start.clear();
        } else {
            start.clear();
        }
        out.collect(event);
    }

    private static RequestStart startOf(NormalizedEvent request) {
        RequestStart start = new RequestStart();
        start.eventTime = request.getEventTime().toEpochMilli();
        start.monotonicTime = monotonicTime(request);
        NetworkRequest payload = (NetworkRequest) request.getPayload();
        start.method = payload.getMethod();
        start.url = payload.getUrl();
        start.traceId = request.getTraceId();
        start.spanId = request.getSpanId();
        return start;
    }

    /** The failure at its start's wall time plus the time between them on the monotonic clock. */
    private static void complete(NormalizedEvent failure, RequestStart start) {
        double elapsedMs = (monotonicTime(failure) - start.monotonicTime) * 1000;
        boolean timed = !Double.isNaN(elapsedMs);
        elapsedMs = timed ? Math.max(0, elapsedMs) : 0;
        failure.setEventTime(Instant.ofEpochMilli(start.eventTime + Math.round(elapsedMs)));
        Map<String, String> metadata = failure.getMetadata();
        metadata.remove(EventClock.INFERRED_FROM);
        metadata.put(TIME_FROM, REQUEST_WILL_BE_SENT);
        NetworkRequest request = (NetworkRequest) failure.getPayload();
        request.setMethod(start.method);
        request.setUrl(start.url);
        request.setDurationMs(timed ? elapsedMs : null);
        failure.setMessage(start.method + " " + start.url + " failed: " + request.getErrorText());
        if (failure.getTraceId() == null) {
            failure.setTraceId(start.traceId);
            failure.setSpanId(start.spanId);
        }
    }

    private static double monotonicTime(NormalizedEvent event) {
        String seconds = event.getMetadata().get(CdpEventParser.MONOTONIC_TIME);
        try {
            return seconds == null ? Double.NaN : Double.parseDouble(seconds);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
