package dev.braid.correlate.model;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

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

import org.junit.jupiter.api.Test;

import java.util.List;

class TracesTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void eventsComeOutInEventTimeOrderWithStartAndEndFromTheFirstAndLast() {
        CorrelatedTrace trace = build(
                info("c", 3_000, Source.BACKEND),
                info("a", 1_000, Source.BROWSER),
                info("b", 2_000, Source.TEST));

        assertThat(trace.getEvents()).extracting(TraceEvent::getId).containsExactly("a", "b", "c");
        assertThat(trace.getStart().toEpochMilli()).isEqualTo(T0 + 1_000);
        assertThat(trace.getEnd().toEpochMilli()).isEqualTo(T0 + 3_000);
    }

    @Test
    void eventsAtTheSameTimeAreOrderedById() {
        CorrelatedTrace trace = build(info("b", 1_000, Source.BACKEND), info("a", 1_000, Source.BACKEND));

        assertThat(trace.getEvents()).extracting(TraceEvent::getId).containsExactly("a", "b");
    }

    @Test
    void traceIdKindVersionAndCloseReasonAreTakenAsGivenWithNothingLeftOut() {
        CorrelatedTrace trace = Traces.build(
                "bundle:e1", TraceKind.ERROR_BUNDLE, 3, CloseReason.LATE_EVENT, List.of(info("e1", 0, Source.BACKEND)));

        assertThat(trace.getTraceId()).isEqualTo("bundle:e1");
        assertThat(trace.getKind()).isEqualTo(TraceKind.ERROR_BUNDLE);
        assertThat(trace.getVersion()).isEqualTo(3);
        assertThat(trace.getClosedBy()).isEqualTo(CloseReason.LATE_EVENT);
        assertThat(trace.getEventsLeftOut()).isZero();
        assertThat(trace.getSuspectCommits()).isEmpty();
    }

    @Test
    void aTraceWithoutEventsIsRefused() {
        assertThatThrownBy(() -> Traces.build(TRACE_ID, TraceKind.TRACE, 1, CloseReason.INACTIVITY, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sourcesAreCountedInLowerCase() {
        CorrelatedTrace trace = build(
                info("a", 0, Source.BROWSER),
                info("b", 1, Source.BROWSER),
                info("c", 2, Source.BACKEND),
                info("d", 3, Source.AGENT));

        assertThat(trace.getSourceCounts()).containsOnly(entry("browser", 2), entry("backend", 1), entry("agent", 1));
        assertThat(trace.getEvents()).extracting(TraceEvent::getSource)
                .containsExactly("browser", "browser", "backend", "agent");
    }

    @Test
    void firstErrorIsTheEarliestEventAtErrorOrFatal() {
        CorrelatedTrace trace = build(
                leveled("warn", 0, Source.BACKEND, Level.WARN),
                leveled("error", 2_000, Source.BACKEND, Level.ERROR),
                leveled("fatal", 1_000, Source.TEST, Level.FATAL));

        assertThat(trace.getFirstError().getId()).isEqualTo("fatal");
        assertThat(trace.getFirstError().getLevel()).isEqualTo("FATAL");
    }

    @Test
    void causalChainRunsCauseFirstAndNamesTheEarliestEventOfEachRole() {
        // Written against the time order on purpose: the chain follows cause, not time.
        CorrelatedTrace trace = build(
                leveled("agent-error", 0, Source.AGENT, Level.ERROR),
                leveled("ci-failure", 1_000, Source.CI, Level.ERROR),
                leveled("failing-test", 2_000, Source.TEST, Level.ERROR),
                leveled("backend-error", 3_000, Source.BACKEND, Level.ERROR),
                leveled("later-backend-error", 3_500, Source.BACKEND, Level.FATAL),
                leveled("browser-error", 4_000, Source.BROWSER, Level.ERROR),
                request("browser-request", 5_000, 500),
                request("later-browser-request", 6_000, 200));

        assertThat(trace.getCausalChain()).extracting(ChainLink::getRole).containsExactly(
                "browser_request", "browser_error", "backend_error", "failing_test", "ci_failure", "agent_error");
        assertThat(trace.getCausalChain()).extracting(ChainLink::getRef).containsExactly(
                "browser-request", "browser-error", "backend-error", "failing-test", "ci-failure", "agent-error");
        assertThat(trace.getCausalChain().get(2).getSummary()).isEqualTo("log: message backend-error");
    }

    @Test
    void rolesWithoutAnEventAreLeftOutOfTheChain() {
        CorrelatedTrace trace = build(
                request("browser-request", 0, 502),
                leveled("backend-error", 1_000, Source.BACKEND, Level.ERROR));

        assertThat(trace.getCausalChain()).extracting(ChainLink::getRole)
                .containsExactly("browser_request", "backend_error");
    }

    @Test
    void withoutAnErrorThereIsNoFirstErrorAndNoChain() {
        CorrelatedTrace trace = build(
                request("browser-request", 0, 200),
                leveled("warn", 1_000, Source.BACKEND, Level.WARN));

        assertThat(trace.getFirstError()).isNull();
        assertThat(trace.getCausalChain()).isEmpty();
    }

    @Test
    void longMessagesAreCutToTheMaximumWithAnEllipsis() {
        String exact = "x".repeat(Traces.MAX_MESSAGE_CHARS);
        CorrelatedTrace trace = build(
                event("long", 0, Source.BACKEND, "log", Level.INFO, "y".repeat(5_000)).build(),
                event("exact", 1, Source.BACKEND, "log", Level.INFO, exact).build());

        String cut = trace.getEvents().get(0).getMessage();
        assertThat(cut).hasSize(Traces.MAX_MESSAGE_CHARS).endsWith("…").startsWith("yyy");
        assertThat(trace.getEvents().get(1).getMessage()).isEqualTo(exact);
    }

    @Test
    void tenantIsTakenWhenEveryEventNamingOneAgrees() {
        CorrelatedTrace trace = build(
                keyed("a", 0, CorrelationKeys.newBuilder().setTenant("acme")),
                keyed("b", 1, CorrelationKeys.newBuilder()),
                keyed("c", 2, CorrelationKeys.newBuilder().setTenant("acme")));

        assertThat(trace.getTenant()).isEqualTo("acme");
    }

    @Test
    void tenantIsNullWhenEventsDisagree() {
        CorrelatedTrace trace = build(
                keyed("a", 0, CorrelationKeys.newBuilder().setTenant("acme")),
                keyed("b", 1, CorrelationKeys.newBuilder().setTenant("globex")));

        assertThat(trace.getTenant()).isNull();
    }

    @Test
    void repoAndBranchComeFromTheEarliestEventNamingThem() {
        CorrelatedTrace trace = build(
                keyed("later", 2_000, CorrelationKeys.newBuilder().setRepo("acme/web").setBranch("feature")),
                keyed("unnamed", 0, CorrelationKeys.newBuilder().setService("checkout")),
                keyed("first-named", 1_000, CorrelationKeys.newBuilder().setRepo("acme/shop").setBranch("main")));

        assertThat(trace.getRepo()).isEqualTo("acme/shop");
        assertThat(trace.getBranch()).isEqualTo("main");
    }

    @Test
    void compactEventsCarryTheKeysAndTheStatusOfANetworkRequest() {
        CorrelatedTrace trace = build(
                request("request", 0, 503),
                keyed("log", 1, CorrelationKeys.newBuilder()
                        .setService("checkout").setSession("s1").setRepo("acme/shop").setBranch("main")
                        .setCommit("c0ffee").setTestId("cart adds item")));

        TraceEvent requestEvent = trace.getEvents().get(0);
        assertThat(requestEvent.getStatus()).isEqualTo(503);
        assertThat(requestEvent.getKind()).isEqualTo("network.request");
        TraceEvent log = trace.getEvents().get(1);
        assertThat(log.getStatus()).isNull();
        assertThat(List.of(log.getService(), log.getSession(), log.getRepo(), log.getBranch(), log.getCommit(), log.getTestId()))
                .containsExactly("checkout", "s1", "acme/shop", "main", "c0ffee", "cart adds item");
    }

    private static CorrelatedTrace build(NormalizedEvent... events) {
        return Traces.build(TRACE_ID, TraceKind.TRACE, 1, CloseReason.INACTIVITY, List.of(events));
    }

    private static NormalizedEvent info(String id, long offsetMillis, Source source) {
        return leveled(id, offsetMillis, source, Level.INFO);
    }

    private static NormalizedEvent leveled(String id, long offsetMillis, Source source, Level level) {
        return event(id, offsetMillis, source, "log", level, "message " + id).build();
    }

    private static NormalizedEvent keyed(String id, long offsetMillis, CorrelationKeys.Builder keys) {
        return event(id, offsetMillis, Source.BACKEND, "log", Level.INFO, "message " + id).setKeys(keys.build()).build();
    }

    /** A browser network.request with its response status. */
    private static NormalizedEvent request(String id, long offsetMillis, int status) {
        return event(id, offsetMillis, Source.BROWSER, "network.request", Level.INFO, "GET /api/cart " + status)
                .setPayload(NetworkRequest.newBuilder().setMethod("GET").setUrl("https://shop.test/api/cart").setStatus(status).build())
                .build();
    }
}
