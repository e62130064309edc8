package dev.braid.correlate.functions;

import dev.braid.testing.Events;
import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.TraceEvent;
import dev.braid.schema.TraceKind;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups.UnregisteredTaskMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.braid.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BundleErrorsTest {

    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final long W = WINDOW.toMillis();

    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    private MockEnvironment environment;
    private KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, CorrelatedTrace> harness;

    @BeforeEach
    void openHarness() throws Exception {
        environment = new MockEnvironmentBuilder().setMetricGroup(new UnregisteredTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> info) {
                return metrics;
            }
        }).build();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new BundleErrors(WINDOW)), BundleErrors::bundleKey, Types.STRING, environment);
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
        environment.close();
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
    void keyWithOnlyInfoEventsEmitsNothingAndForgetsThemOnceTheWatermarkPasses() throws Exception {
        send(backendLog("a", 0, Level.INFO, "checkout"));
        send(backendLog("b", 1_000, Level.WARN, "checkout"));

        harness.processWatermark(T0 + 1_000 + 2 * W - 1);
        assertThat(harness.numKeyedStateEntries()).as("an error up to a window later could still need b").isEqualTo(1);

        harness.processWatermark(T0 + 1_000 + 2 * W);

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
        assertThat(lateForBundle().getCount()).isZero();
        assertNothingHeld();
    }

    @Test
    void eventAfterEveryBundleItCouldJoinWasEmittedIsDroppedAndCounted() throws Exception {
        send(backendLog("error", 0, Level.ERROR, "checkout"));
        harness.processWatermark(T0 + W);
        send(backendLog("too-late", -5_000, Level.INFO, "checkout"));
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(bundles()).singleElement().satisfies(bundle -> assertThat(bundle.getEvents())
                .extracting(TraceEvent::getId).containsExactly("error"));
        assertThat(lateForBundle().getCount()).isEqualTo(1);
        assertNothingHeld();
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
        assertThat(lateForBundle().getCount()).isEqualTo(1);
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

    private Counter lateForBundle() {
        return (Counter) metrics.get(BundleErrors.LATE_FOR_BUNDLE);
    }

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
