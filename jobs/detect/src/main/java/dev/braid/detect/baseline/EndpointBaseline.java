package dev.braid.detect.baseline;

import dev.braid.detect.rules.EventFields;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.baseline.EndpointStats;

import java.util.HashMap;
import java.util.Locale;

/**
 * Per endpoint (host or service, method, route template): status codes and the latency series.
 * Takes finished exchanges: {@link PairExchanges} gives each response its request's method.
 */
final class EndpointBaseline implements Tracked<EndpointStats> {

    private static final long serialVersionUID = 1L;
    static final String FAILED = "failed";

    private final Buckets buckets;

    EndpointBaseline(Buckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public Class<EndpointStats> type() {
        return EndpointStats.class;
    }

    @Override
    public String uid() {
        return BaselineState.ENDPOINTS_UID;
    }

    @Override
    public boolean selects(NormalizedEvent event) {
        return event.getPayload() instanceof NetworkRequest request
                && request.getMethod() != null && request.getUrl() != null
                && (request.getStatus() != null || request.getErrorText() != null);
    }

    @Override
    public String key(NormalizedEvent event) {
        NetworkRequest request = (NetworkRequest) event.getPayload();
        return key(event, request, Routes.of(request.getUrl()));
    }

    @Override
    public EndpointStats update(EndpointStats current, NormalizedEvent event) {
        NetworkRequest request = (NetworkRequest) event.getPayload();
        EndpointStats stats = current != null ? current : first(event);
        Integer status = request.getStatus();
        stats.getStatusCodes().merge(status == null ? FAILED : status.toString(), 1L, Long::sum);
        boolean bad = status == null || status >= 500;
        Sketches.add(stats.getLatency(), event.getEventTime(), request.getDurationMs(), bad, buckets.widthMillis(), buckets.count());
        stats.setLastEventId(event.getId());
        if (event.getTraceId() != null) {
            stats.setLastTraceId(event.getTraceId());
        }
        return stats;
    }

    /** The host, or the service for a relative URL, then method and route template. */
    private static String key(NormalizedEvent event, NetworkRequest request, Routes.Route route) {
        String where = route.host().isEmpty() ? service(event) : route.host();
        return where + ' ' + method(request) + ' ' + route.path();
    }

    private EndpointStats first(NormalizedEvent event) {
        NetworkRequest request = (NetworkRequest) event.getPayload();
        Routes.Route route = Routes.of(request.getUrl());
        return EndpointStats.newBuilder()
                .setEndpoint(key(event, request, route))
                .setMethod(method(request))
                .setRoute(route.path())
                .setStatusCodes(new HashMap<>())
                .setLatency(Sketches.emptySeries())
                .setLastEventId(event.getId())
                .build();
    }

    private static String method(NetworkRequest request) {
        return request.getMethod().toUpperCase(Locale.ROOT);
    }

    private static String service(NormalizedEvent event) {
        String service = EventFields.keys(event).getService();
        return service != null ? service : "-";
    }
}
