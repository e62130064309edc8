package dev.braid.correlate.functions;

import dev.braid.testing.Events;
import dev.braid.testing.FunctionFields;
import dev.braid.testing.MeteredHarness;
import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.TraceEvent;
import dev.braid.schema.TraceKind;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.braid.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class BundleErrorsTest {

    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final long W = WINDOW.toMillis();
    private static final Duration QUIET = Duration.ofSeconds(35);
    private static final long Q = QUIET.toMillis();
    private static final long DAY = Duration.ofDays(1).toMillis();

    private MeteredHarness<String, NormalizedEvent, CorrelatedTrace> metered;
    private KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, CorrelatedTrace> harness;

    @BeforeEach
    void openHarness() throws Exception {
        metered = new MeteredHarness<>(new BundleErrors(WINDOW, QUIET, Duration.ofDays(7)), BundleErrors::bundleKey, Types.STRING);
        harness = metered.harness();
    }

    @AfterEach
    void closeHarness() throws Exception {
        metered.close();
    }

    @Test
    void errorBundleHoldsTheEventsOfItsKeyWithinTheWindowAroundTheErrorInTimeOrder() throws Exception {
        send(backendLog("too-early", -6_000, Level.INFO, "checkout"));
        send(backendLog("before", -2_000, Level.INFO, "checkout"));
        send(backendLog("error", 0, Level.ERROR, "checkout"));
        send(backendLog("other-service", 1_000, Level.INFO, "payments"));
        send(browserConsole("console-error", 3_000, "checkout"));

        harness.processWatermark(T0 + W - 1);
        assertThat(harness.extractOutputValues()).as("the window is still open").isEmpty();

        harness.processWatermark(T0 + W);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(bundle -> {
            assertThat(bundle.getTraceId()).isEqualTo("bundle:error");
            assertThat(bundle.getKind()).isEqualTo(TraceKind.ERROR_BUNDLE);
            assertThat(bundle.getVersion()).isEqualTo(1);
            assertThat(bundle.getClosedBy()).isEqualTo(CloseReason.BUNDLE_WINDOW);
            assertThat(bundle.getEvents()).extracting(TraceEvent::getId)
                    .containsExactly("before", "error", "console-error");
            assertThat(bundle.getFirstError().getId()).isEqualTo("error");
        });

        harness.processWatermark(Long.MAX_VALUE);

        assertThat(bundles()).as("the console error anchors a bundle of its own")
                .extracting(CorrelatedTrace::getTraceId).containsExactly("bundle:error", "bundle:console-error");
        assertNothingHeld();
    }

    @Test
    void keyWithOnlyInfoEventsEmitsNothingAndForgetsThemOnceTheWatermarkAndThenWallTimeMovedOn() throws Exception {
        send(backendLog("a", 0, Level.INFO, "checkout"));
        send(backendLog("b", 1_000, Level.WARN, "checkout"));

        harness.processWatermark(T0 + 1_000 + 2 * W - 1);
        assertThat(harness.numKeyedStateEntries()).as("an error up to a window later could still need b").isPositive();

        // Cleanups round up to whole windows; a key this far behind the watermark may be a lagging
        // producer whose next error still needs its events, so they are kept for wall time too.
        harness.processWatermark(T0 + 3 * W);
        metered.wallClock(2 * Q);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertNothingHeld();
    }

    @Test
    void twoErrorsOneSecondApartEachAnchorTheirOwnBundle() throws Exception {
        send(backendLog("first", 0, Level.ERROR, "checkout"));
        send(backendLog("second", 1_000, Level.FATAL, "checkout"));

        harness.processWatermark(Long.MAX_VALUE);

        assertThat(bundles()).extracting(CorrelatedTrace::getTraceId).containsExactly("bundle:first", "bundle:second");
        assertThat(bundles()).allSatisfy(bundle ->
                assertThat(bundle.getEvents()).extracting(TraceEvent::getId).containsExactly("first", "second"));
        assertNothingHeld();
    }

    @Test
    void errorsAtTheSameMillisecondAreBothKeptAndBothAnchor() throws Exception {
        send(backendLog("b", 0, Level.ERROR, "checkout"));
        send(backendLog("a", 0, Level.ERROR, "checkout"));
        send(backendLog("a", 0, Level.ERROR, "checkout"));

        harness.processWatermark(Long.MAX_VALUE);

        assertThat(bundles()).extracting(CorrelatedTrace::getTraceId).containsExactly("bundle:a", "bundle:b");
        assertThat(bundles()).allSatisfy(bundle ->
                assertThat(bundle.getEvents()).as("a replay is kept once").extracting(TraceEvent::getId)
                        .containsExactly("a", "b"));
        assertNothingHeld();
    }

    @Test
    void lateEventStillJoinsTheBundleOfAnErrorWhoseWindowIsOpen() throws Exception {
        send(backendLog("error", 0, Level.ERROR, "checkout"));
        harness.processWatermark(T0 + 4_000);

        send(backendLog("late-but-in-window", -4_000, Level.INFO, "checkout"));
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(bundles()).singleElement().satisfies(bundle -> assertThat(bundle.getEvents())
                .extracting(TraceEvent::getId).containsExactly("late-but-in-window", "error"));
        assertThat(metered.count(BundleErrors.LATE_FOR_BUNDLE)).isZero();
        assertNothingHeld();
    }

    @Test
    void eventBehindEveryOpenBundleIsReplayedIntoTheNextVersionOfTheBundleItBelongsTo() throws Exception {
        send(backendLog("error", 0, Level.ERROR, "checkout"));
        harness.processWatermark(T0 + W);
        send(backendLog("behind", -5_000, Level.INFO, "checkout"));
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(bundles()).extracting(CorrelatedTrace::getVersion).containsExactly(1, 2);
        assertThat(bundles().get(1)).satisfies(bundle -> {
            assertThat(bundle.getClosedBy()).isEqualTo(CloseReason.LATE_EVENT);
            assertThat(bundle.getEvents()).extracting(TraceEvent::getId).containsExactly("behind", "error");
        });
        assertThat(metered.count(BundleErrors.REPLAYED)).isEqualTo(1);
        assertThat(metered.count(BundleErrors.LATE_FOR_BUNDLE)).isZero();

        metered.wallClock(2 * Q);
        assertNothingHeld();
    }

    @Test
    void bundleOfTheLastErrorBeforeADayLongLullComesOutAndGainsWhatArrivesWhenTrafficResumes() throws Exception {
        send(backendLog("before", -2_000, Level.INFO, "checkout"));
        send(backendLog("error", 0, Level.ERROR, "checkout"));
        send(backendLog("after", 1_000, Level.INFO, "checkout"));
        harness.processWatermark(T0 + 1_000); // then every source goes idle

        metered.wallClock(DAY);

        assertThat(bundles()).singleElement().satisfies(bundle -> {
            assertThat(bundle.getVersion()).isEqualTo(1);
            assertThat(bundle.getEvents()).extracting(TraceEvent::getId).containsExactly("before", "error", "after");
        });
        assertThat(metered.count(BundleErrors.CLOSED_WHILE_QUIET)).isEqualTo(1);

        send(backendLog("resumed", 3_000, Level.INFO, "checkout")); // traffic resumes, within the window
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(bundles()).hasSize(2).last().satisfies(bundle -> {
            assertThat(bundle.getVersion()).isEqualTo(2);
            assertThat(bundle.getClosedBy()).isEqualTo(CloseReason.LATE_EVENT);
            assertThat(bundle.getEvents()).extracting(TraceEvent::getId).containsExactly("before", "error", "after", "resumed");
        });
        metered.wallClock(DAY + 2 * Q);
        assertNothingHeld();
    }

    @Test
    void bundleEmittedWhileQuietIsNotEmittedAgainWhenNothingJoinedIt() throws Exception {
        send(backendLog("error", 0, Level.ERROR, "checkout"));
        metered.wallClock(DAY);
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(bundles()).singleElement().satisfies(bundle -> assertThat(bundle.getVersion()).isEqualTo(1));
        metered.wallClock(DAY + 2 * Q);
        assertNothingHeld();
    }

    @Test
    void errorsShippedAfterTheFactAreBundledWithTheReplayedEventsAroundThem() throws Exception {
        harness.processWatermark(T0 + 7 * DAY); // live traffic of a week later holds the watermark
        metered.wallClock(1_000);
        send(backendLog("history-before", -2_000, Level.INFO, "checkout"));
        send(backendLog("history-error", 0, Level.ERROR, "checkout"));
        send(backendLog("history-after", 2_000, Level.INFO, "checkout"));
        send(backendLog("history-elsewhere", 60_000, Level.INFO, "checkout"));

        metered.wallClock(1_000 + Q);

        assertThat(bundles()).singleElement().satisfies(bundle -> {
            assertThat(bundle.getTraceId()).isEqualTo("bundle:history-error");
            assertThat(bundle.getEvents()).extracting(TraceEvent::getId)
                    .containsExactly("history-before", "history-error", "history-after");
        });
        metered.wallClock(1_000 + 2 * Q);
        assertNothingHeld();
    }

    @Test
    void replayedErrorBundlesTheReplayedEventsOfItsWholeWindowEachOnceAndNothingOutsideIt() throws Exception {
        harness.processWatermark(T0 + 7 * DAY);
        metered.wallClock(1_000);
        send(backendLog("before-the-window", -W - 1, Level.INFO, "checkout"));
        send(backendLog("window-start", -W, Level.INFO, "checkout"));
        send(backendLog("error", 0, Level.ERROR, "checkout"));
        send(backendLog("window-end", W, Level.INFO, "checkout"));
        send(backendLog("after-the-window", W + 1, Level.INFO, "checkout"));
        metered.wallClock(2_000);
        send(backendLog("window-end", W, Level.INFO, "checkout")); // shipped again a second later

        metered.wallClock(1_000 + Q);

        assertThat(bundles()).singleElement().satisfies(bundle -> assertThat(bundle.getEvents())
                .extracting(TraceEvent::getId).containsExactly("window-start", "error", "window-end"));
        assertThat(metered.count(BundleErrors.REPLAYED)).as("the second shipment is kept once").isEqualTo(5);
        metered.wallClock(1_000 + 2 * Q);
        assertNothingHeld();
    }

    /** Release 0.1.0 kept every replayed event by its arrival second; its savepoint drains within 2 * quiet. */
    @Test
    void eventReplayedIntoTheStateOfRelease010JoinsTheBundleOfAnErrorReplayedAfterTheRestore() throws Exception {
        harness.processWatermark(T0 + 7 * DAY);
        metered.wallClock(1_000);
        FunctionFields.<MapState<Long, List<NormalizedEvent>>>ofKey(harness, "acme|service:checkout", "replayedByArrival")
                .put(1_000L, new ArrayList<>(List.of(backendLog("kept-by-0.1.0", -1_000, Level.INFO, "checkout"))));
        send(backendLog("error", 0, Level.ERROR, "checkout"));

        metered.wallClock(1_000 + Q);

        assertThat(bundles()).singleElement().satisfies(bundle -> assertThat(bundle.getEvents())
                .extracting(TraceEvent::getId).containsExactly("kept-by-0.1.0", "error"));
        metered.wallClock(1_000 + 2 * Q);
        assertNothingHeld();
    }

    @Test
    void bundleHoldsTheEventsAroundItsErrorWhetherTheyArrivedAheadOfTheWatermarkOrBehindIt() throws Exception {
        send(backendLog("before-the-jump", -500, Level.INFO, "checkout"));
        harness.processWatermark(T0 + 60_000); // another source's clock moves the watermark on
        send(backendLog("error-after-the-jump", 0, Level.ERROR, "checkout"));

        metered.wallClock(Q);

        assertThat(bundles()).singleElement().satisfies(bundle -> assertThat(bundle.getEvents())
                .extracting(TraceEvent::getId).containsExactly("before-the-jump", "error-after-the-jump"));
    }

    @Test
    void eventOfAnEmittedBundlesWindowThatArrivesAfterItsErrorEmitsTheNextVersion() throws Exception {
        send(backendLog("error", 0, Level.ERROR, "checkout"));
        harness.processWatermark(T0 + W); // emitted before the line written before it arrived

        send(backendLog("written-before", -1_000, Level.INFO, "checkout"));
        send(backendLog("written-before", -1_000, Level.INFO, "checkout")); // a replay: nothing new

        assertThat(bundles()).extracting(CorrelatedTrace::getVersion).containsExactly(1, 2);
        assertThat(bundles().get(1).getEvents()).extracting(TraceEvent::getId).containsExactly("written-before", "error");
    }

    @Test
    void lateEventInTheWindowsOfTwoEmittedBundlesEmitsEachAgainWithTheEventsOfItsOwnWindowOnly() throws Exception {
        send(backendLog("only-first", -3_000, Level.INFO, "checkout"));
        send(backendLog("first", 0, Level.ERROR, "checkout"));
        send(backendLog("second", 4_000, Level.ERROR, "checkout"));
        send(backendLog("only-second", 8_500, Level.INFO, "checkout"));
        harness.processWatermark(T0 + 4_000 + W);

        send(backendLog("late-between", 2_000, Level.INFO, "checkout"));

        assertThat(bundles()).extracting(CorrelatedTrace::getTraceId, CorrelatedTrace::getVersion).containsExactly(
                tuple("bundle:first", 1), tuple("bundle:second", 1), tuple("bundle:first", 2), tuple("bundle:second", 2));
        assertThat(bundles().get(2).getEvents()).extracting(TraceEvent::getId)
                .containsExactly("only-first", "first", "late-between", "second");
        assertThat(bundles().get(3).getEvents()).extracting(TraceEvent::getId)
                .containsExactly("first", "late-between", "second", "only-second");
    }

    @Test
    void cleanupTimersCoalesceToOnePerWindowWhateverTheNumberOfDistinctTimes() throws Exception {
        for (int i = 0; i < 1_000; i++) {
            send(backendLog("info-" + i, i, Level.INFO, "checkout"));
        }

        assertThat(harness.numEventTimeTimers()).isLessThanOrEqualTo(2);
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(harness.numKeyedStateEntries()).as("no error: nothing kept").isZero();
    }

    @Test
    void errorAfterItsOwnWindowPassedAnchorsNothingButJoinsAnOpenBundle() throws Exception {
        send(backendLog("open-error", 4_000, Level.ERROR, "checkout"));
        harness.processWatermark(T0 + W);

        send(backendLog("late-error", 0, Level.ERROR, "checkout"));
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(bundles()).singleElement().satisfies(bundle -> {
            assertThat(bundle.getTraceId()).isEqualTo("bundle:open-error");
            assertThat(bundle.getEvents()).extracting(TraceEvent::getId).containsExactly("late-error", "open-error");
        });
        assertThat(metered.count(BundleErrors.LATE_FOR_BUNDLE)).isEqualTo(1);
        assertThat(harness.getSideOutput(BundleErrors.UNBUNDLED_ERRORS))
                .extracting(StreamRecord::getValue).extracting(NormalizedEvent::getId).containsExactly("late-error");
        assertNothingHeld();
    }

    @Test
    void bundleKeyIsTenantAndTheFirstOfSessionServiceAndRepo() {
        assertThat(BundleErrors.bundleKey(withKeys(CorrelationKeys.newBuilder()
                .setTenant("acme").setSession("s-1").setService("checkout").setRepo("acme/shop").build())))
                .isEqualTo("acme|session:s-1");
        assertThat(BundleErrors.bundleKey(withKeys(CorrelationKeys.newBuilder()
                .setTenant("acme").setService("checkout").setRepo("acme/shop").build())))
                .isEqualTo("acme|service:checkout");
        assertThat(BundleErrors.bundleKey(withKeys(CorrelationKeys.newBuilder().setRepo("acme/shop").build())))
                .as("unknown tenant").isEqualTo("-|repo:acme/shop");
    }

    @Test
    void eventWithoutSessionServiceOrRepoIsNotBundleable() {
        NormalizedEvent keyless = withKeys(CorrelationKeys.newBuilder().setTenant("acme").setBranch("main").build());

        assertThat(BundleErrors.bundleable(keyless)).isFalse();
        assertThat(BundleErrors.bundleable(withKeys(CorrelationKeys.newBuilder().setRepo("acme/shop").build()))).isTrue();
        assertThatThrownBy(() -> BundleErrors.bundleKey(keyless)).isInstanceOf(IllegalArgumentException.class);
    }

    private List<CorrelatedTrace> bundles() {
        return harness.extractOutputValues();
    }

    /** Nothing but the quiet checks, which wall time removes: harness wall time stands still at 0 unless moved. */
    private void assertNothingHeld() {
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private void send(NormalizedEvent event) throws Exception {
        harness.processElement(event, event.getEventTime().toEpochMilli());
    }

    private static NormalizedEvent backendLog(String id, long offsetMillis, Level level, String service) {
        return Events.event(id, offsetMillis, Source.BACKEND, "log", level, "line " + id)
                .setKeys(CorrelationKeys.newBuilder().setTenant("acme").setService(service).build())
                .build();
    }

    private static NormalizedEvent browserConsole(String id, long offsetMillis, String service) {
        return Events.event(id, offsetMillis, Source.BROWSER, "browser.console", Level.ERROR, "console.error " + id)
                .setKeys(CorrelationKeys.newBuilder().setTenant("acme").setService(service).build())
                .build();
    }

    private static NormalizedEvent withKeys(CorrelationKeys keys) {
        return Events.event("e", 0, Source.BACKEND, "log", Level.INFO, "line").setKeys(keys).build();
    }
}
