package dev.braid.correlate.model;

import static dev.braid.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.schema.ChainLink;
import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.Level;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.TraceEvent;
import dev.braid.schema.TraceKind;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

class TraceSizeBoundTest {

    private static final int MAX_BYTES = 25 * 1024;
    private static final int EVENTS = 2_000;
    private static final long SPACING = 1_000;
    private static final int FIRST_ERROR_AT = 1_000;
    private static final String FIRST_ERROR = id(FIRST_ERROR_AT);
    /** What the large trace keeps, as measured when the bound was first written. */
    private static final int KEPT = 43;
    private static final int KEPT_BYTES = 25_207;

    private final TraceSizeBound bound = new TraceSizeBound(MAX_BYTES);

    @Test
    void aLargeTraceIsCutToTheBound() {
        CorrelatedTrace trace = largeTraceWithErrors();
        assertThat(AvroRecords.encode(trace).length).isGreaterThan(MAX_BYTES);

        CorrelatedTrace bounded = bound.apply(trace);

        assertThat(AvroRecords.encode(bounded).length).isLessThanOrEqualTo(MAX_BYTES);
        assertThat(bounded.getEvents()).hasSizeGreaterThan(20);
    }

    @Test
    void theFirstErrorAndEveryEventOfTheCausalChainAreKept() {
        CorrelatedTrace trace = largeTraceWithErrors();

        CorrelatedTrace bounded = bound.apply(trace);

        assertThat(keptIds(bounded)).contains(FIRST_ERROR).containsAll(chainRefs(trace));
        assertThat(bounded.getFirstError()).isEqualTo(trace.getFirstError());
        assertThat(bounded.getCausalChain()).isEqualTo(trace.getCausalChain());
    }

    @Test
    void theOtherEventsKeptAreTheNearestInTimeToTheFirstError() {
        CorrelatedTrace trace = largeTraceWithErrors();
        long anchor = trace.getFirstError().getTime().toEpochMilli();
        Set<String> mustKeep = chainRefs(trace);

        CorrelatedTrace bounded = bound.apply(trace);

        Set<String> kept = keptIds(bounded);
        long farthestKept = bounded.getEvents().stream()
                .filter(e -> !mustKeep.contains(e.getId()))
                .mapToLong(e -> distance(e, anchor)).max().orElseThrow();
        List<String> nearerButDropped = trace.getEvents().stream()
                .filter(e -> distance(e, anchor) < farthestKept && !kept.contains(e.getId()))
                .map(TraceEvent::getId).toList();
        assertThat(nearerButDropped).isEmpty();
        assertThat(farthestKept).isLessThan(50 * SPACING);
    }

    @Test
    void eventsLeftOutCountsTheDroppedEvents() {
        CorrelatedTrace trace = largeTraceWithErrors();

        CorrelatedTrace bounded = bound.apply(trace);

        assertThat(bounded.getEventsLeftOut()).isPositive().isEqualTo(EVENTS - bounded.getEvents().size());
    }

    @Test
    void keptEventsStayInTimeOrder() {
        CorrelatedTrace bounded = bound.apply(largeTraceWithErrors());

        assertThat(bounded.getEvents()).isSortedAccordingTo(Comparator.comparing(TraceEvent::getTime));
    }

    @Test
    void sourceCountsStillCountEveryEvent() {
        CorrelatedTrace trace = largeTraceWithErrors();

        CorrelatedTrace bounded = bound.apply(trace);

        assertThat(bounded.getSourceCounts()).isEqualTo(trace.getSourceCounts());
        assertThat(bounded.getSourceCounts().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(EVENTS);
    }

    @Test
    void theTraceGivenIsLeftWhole() {
        CorrelatedTrace trace = largeTraceWithErrors();

        bound.apply(trace);

        assertThat(trace.getEvents()).hasSize(EVENTS);
        assertThat(trace.getEventsLeftOut()).isZero();
    }

    @Test
    void withoutAnErrorTheEarliestEventsAreKept() {
        List<NormalizedEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(logLine(i, Source.BACKEND, Level.INFO));
        }
        CorrelatedTrace trace = build(events);

        CorrelatedTrace bounded = bound.apply(trace);

        List<String> kept = bounded.getEvents().stream().map(TraceEvent::getId).toList();
        assertThat(kept).isNotEmpty()
                .isEqualTo(trace.getEvents().subList(0, kept.size()).stream().map(TraceEvent::getId).toList());
        assertThat(AvroRecords.encode(bounded).length).isLessThanOrEqualTo(MAX_BYTES);
    }

    @Test
    void aTraceOfExactlyTheBoundComesBackWholeAndOneByteMoreIsCut() {
        CorrelatedTrace trace = build(List.of(
                logLine(0, Source.BACKEND, Level.INFO), logLine(1, Source.BROWSER, Level.ERROR), request(2)));
        int size = AvroRecords.encode(trace).length;

        assertThat(new TraceSizeBound(size).apply(trace)).isSameAs(trace);
        assertThat(new TraceSizeBound(size - 1).apply(trace).getEventsLeftOut()).isPositive();
    }

    @Test
    void theCutFallsWhereItAlwaysHas() {
        CorrelatedTrace bounded = bound.apply(largeTraceWithErrors());

        assertThat(bounded.getEvents()).hasSize(KEPT);
        assertThat(AvroRecords.encode(bounded)).hasSize(KEPT_BYTES);
    }

    @Test
    void aTraceUnderTheBoundComesBackUnchanged() {
        CorrelatedTrace small = build(List.of(
                logLine(0, Source.BACKEND, Level.INFO),
                logLine(1, Source.BACKEND, Level.ERROR)));

        assertThat(bound.apply(small)).isSameAs(small);
    }

    /**
     * 2,000 events of about 500 bytes each, about 1 MB: the first error in the middle, the rest
     * of the causal chain far from it on either side, so only the rule keeps them.
     */
    private static CorrelatedTrace largeTraceWithErrors() {
        List<NormalizedEvent> events = new ArrayList<>();
        Map<Integer, NormalizedEvent> special = Map.of(
                5, request(5),
                FIRST_ERROR_AT, logLine(FIRST_ERROR_AT, Source.BACKEND, Level.ERROR),
                1_400, logLine(1_400, Source.BACKEND, Level.FATAL),
                1_500, logLine(1_500, Source.BROWSER, Level.ERROR),
                1_800, logLine(1_800, Source.TEST, Level.ERROR),
                1_900, logLine(1_900, Source.CI, Level.ERROR),
                1_990, logLine(1_990, Source.AGENT, Level.ERROR));
        for (int i = 0; i < EVENTS; i++) {
            events.add(special.getOrDefault(i, logLine(i, Source.BACKEND, Level.INFO)));
        }
        Collections.shuffle(events, new Random(7));
        CorrelatedTrace trace = build(events);
        assertThat(trace.getFirstError().getId()).isEqualTo(FIRST_ERROR);
        assertThat(trace.getCausalChain()).hasSize(6);
        return trace;
    }

    private static CorrelatedTrace build(List<NormalizedEvent> events) {
        return Traces.build("4bf92f3577b34da6a3ce929d0e0e4736", TraceKind.TRACE, 1, CloseReason.INACTIVITY, events);
    }

    private static NormalizedEvent logLine(int i, Source source, Level level) {
        return event(id(i), i * SPACING, source, "log", level, longMessage(i)).build();
    }

    private static NormalizedEvent request(int i) {
        return event(id(i), i * SPACING, Source.BROWSER, "network.request", Level.INFO, longMessage(i))
                .setPayload(NetworkRequest.newBuilder().setMethod("GET").setUrl("https://shop.test/api/cart").setStatus(200).build())
                .build();
    }

    private static String longMessage(int i) {
        return "event " + i + " " + "lorem ipsum dolor sit amet ".repeat(40);
    }

    private static String id(int i) {
        return String.format("e%04d", i);
    }

    private static Set<String> keptIds(CorrelatedTrace trace) {
        return trace.getEvents().stream().map(TraceEvent::getId).collect(Collectors.toSet());
    }

    private static Set<String> chainRefs(CorrelatedTrace trace) {
        return trace.getCausalChain().stream().map(ChainLink::getRef).collect(Collectors.toSet());
    }

    private static long distance(TraceEvent event, long anchor) {
        return Math.abs(event.getTime().toEpochMilli() - anchor);
    }
}
