package dev.braid.correlate.model;

import dev.braid.schema.ChainLink;
import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.TraceEvent;
import dev.braid.schema.TraceKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/** Builds a {@link CorrelatedTrace} from the events that belong together. */
public final class Traces {

    /** Longest message kept per event: a trace is read in one look, not a log dump. */
    public static final int MAX_MESSAGE_CHARS = 500;

    private static final Comparator<NormalizedEvent> BY_TIME =
            Comparator.comparing(NormalizedEvent::getEventTime).thenComparing(NormalizedEvent::getId);

    private Traces() {}

    /** The trace of the events, in event-time order, with its first error and causal chain. */
    public static CorrelatedTrace build(
            String traceId, TraceKind kind, int version, CloseReason closedBy, List<NormalizedEvent> unordered) {
        if (unordered.isEmpty()) {
            throw new IllegalArgumentException("a trace needs at least one event: " + traceId);
        }
        List<NormalizedEvent> events = new ArrayList<>(unordered);
        events.sort(BY_TIME);
        List<TraceEvent> compact = events.stream().map(Traces::compact).toList();
        TraceEvent firstError = compact.stream().filter(Traces::isError).findFirst().orElse(null);
        return CorrelatedTrace.newBuilder()
                .setTraceId(traceId)
                .setKind(kind)
                .setVersion(version)
                .setStart(events.get(0).getEventTime())
                .setEnd(events.get(events.size() - 1).getEventTime())
                .setClosedBy(closedBy)
                .setSourceCounts(sourceCounts(events))
                .setEvents(new ArrayList<>(compact))
                .setFirstError(firstError)
                .setCausalChain(causalChain(events))
                .setSuspectCommits(new ArrayList<>())
                .setEventsLeftOut(0)
                .setTenant(agreed(events, CorrelationKeys::getTenant))
                .setRepo(first(events, CorrelationKeys::getRepo))
                .setBranch(first(events, CorrelationKeys::getBranch))
                .build();
    }

    public static TraceEvent compact(NormalizedEvent event) {
        CorrelationKeys keys = event.getKeys();
        String message = event.getMessage();
        return TraceEvent.newBuilder()
                .setId(event.getId())
                .setTime(event.getEventTime())
                .setSource(event.getSource().name().toLowerCase())
                .setKind(event.getKind())
                .setLevel(event.getLevel().name())
                .setMessage(message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS - 1) + "…" : message)
                .setService(keys.getService())
                .setSession(keys.getSession())
                .setRepo(keys.getRepo())
                .setBranch(keys.getBranch())
                .setCommit(keys.getCommit())
                .setTestId(keys.getTestId())
                .setStatus(event.getPayload() instanceof NetworkRequest request ? request.getStatus() : null)
                .build();
    }

    public static boolean isError(TraceEvent event) {
        return Level.valueOf(event.getLevel()).ordinal() >= Level.ERROR.ordinal();
    }

    private static boolean isError(NormalizedEvent event) {
        return event.getLevel().ordinal() >= Level.ERROR.ordinal();
    }

    private static Map<String, Integer> sourceCounts(List<NormalizedEvent> events) {
        Map<String, Integer> counts = new HashMap<>();
        events.forEach(e -> counts.merge(e.getSource().name().toLowerCase(), 1, Integer::sum));
        return counts;
    }

    /**
     * Cause first: the browser request that started it, what the browser saw, the backend error,
     * the failing test, CI and agent failures. Each role names its earliest event.
     */
    private static List<ChainLink> causalChain(List<NormalizedEvent> events) {
        List<ChainLink> chain = new ArrayList<>();
        link(chain, "browser_request", events, e -> e.getSource() == Source.BROWSER && e.getKind().equals("network.request"));
        link(chain, "browser_error", events, e -> e.getSource() == Source.BROWSER && isError(e));
        link(chain, "backend_error", events, e -> e.getSource() == Source.BACKEND && isError(e));
        link(chain, "failing_test", events, e -> e.getSource() == Source.TEST && isError(e));
        link(chain, "ci_failure", events, e -> e.getSource() == Source.CI && isError(e));
        link(chain, "agent_error", events, e -> e.getSource() == Source.AGENT && isError(e));
        boolean anyError = chain.stream().anyMatch(l -> !l.getRole().equals("browser_request"));
        return anyError ? chain : new ArrayList<>();
    }

    private static void link(List<ChainLink> chain, String role, List<NormalizedEvent> events, Predicate<NormalizedEvent> matches) {
        events.stream().filter(matches).findFirst().ifPresent(e -> chain.add(ChainLink.newBuilder()
                .setRole(role)
                .setRef(e.getId())
                .setSummary(summary(e))
                .build()));
    }

    private static String summary(NormalizedEvent event) {
        String message = event.getMessage().replace('\n', ' ');
        String line = event.getKind() + ": " + message;
        return line.length() > 200 ? line.substring(0, 199) + "…" : line;
    }

    private static String first(List<NormalizedEvent> events, java.util.function.Function<CorrelationKeys, String> key) {
        return events.stream().map(e -> key.apply(e.getKeys())).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** The value when every event that names one names the same; null otherwise. */
    private static String agreed(List<NormalizedEvent> events, java.util.function.Function<CorrelationKeys, String> key) {
        List<String> values = events.stream().map(e -> key.apply(e.getKeys())).filter(Objects::nonNull).distinct().toList();
        return values.size() == 1 ? values.get(0) : null;
    }
}
