package dev.braid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.Topics;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.AlertStatus;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.Fix;
import dev.braid.schema.TraceEvent;
import dev.braid.testing.Events;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's scenario through normalize, correlate and detect, bounded: it must raise the
 * spot-churn, agent-loop, failing-builds and test-regression alerts, pair the agent's error with
 * its fix, and correlate the broken checkout across browser and backend; and {@code braid observe}
 * must show them as the demo prints them.
 */
class DemoScenarioTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static Configuration config;
    private static Topics topics;

    @BeforeAll
    static void runTheScenario() throws Exception {
        config = BoundedJobs.configure(FreshTopics.on(KAFKA));
        topics = Topics.from(config);
        KAFKA.createTopics(topics.all());
        KAFKA.client().send(DemoScenario.steps(topics, Instant.ofEpochMilli(Events.T0)).stream().map(DemoScenario.Step::record).toList());
        BoundedJobs.normalize(config);
        BoundedJobs.correlate(config);
        BoundedJobs.detect(config);
    }

    @Test
    void raisesTheFourAlertsTheDemoPromises() {
        List<Alert> alerts = alerts();
        assertThat(opened(alerts, "spot-churn").getKey()).isEqualTo(DemoScenario.E2E_JOB_ID);
        assertThat(opened(alerts, "spot-churn").getEvidenceEventIds()).hasSize(3);
        assertThat(opened(alerts, "agent-loop").getKey()).isEqualTo(DemoScenario.LOOPING_TASK_ID);
        assertThat(opened(alerts, "agent-loop").getDetails()).containsEntry("attempt", "6");
        assertThat(opened(alerts, "failing-builds").getKey()).isEqualTo(DemoScenario.REPO);
        assertThat(opened(alerts, "failing-builds").getMessage()).contains("unit-tests", "e2e", "task-checkout-fix-1");

        Alert regression = opened(alerts, "test-regression");
        assertThat(regression.getKey()).startsWith("acme/shop|main|").contains("validates password");
        assertThat(regression.getDetails())
                .containsEntry("suspect-commits", DemoScenario.TIGHTEN)
                .containsEntry("last-pass-commit", DemoScenario.ADD_FORM)
                .containsEntry("failing-commit", DemoScenario.TIGHTEN);
        assertThat(alerts).filteredOn(alert -> alert.getRule().equals("test-regression"))
                .extracting(Alert::getStatus).containsExactly(AlertStatus.OPEN, AlertStatus.RESOLVED);
    }

    @Test
    void pairsTheAgentsErrorWithItsFix() {
        List<Fix> fixes = AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.fixes()), Fix.class);
        assertThat(fixes).singleElement().satisfies(fix -> {
            assertThat(fix.getSignature()).isEqualTo("fix-checkout-password");
            assertThat(fix.getError()).contains("tests still failing");
        });
    }

    @Test
    void correlatesTheBrokenCheckoutAcrossBrowserAndBackend() {
        CorrelatedTrace trace = AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.traces()), CorrelatedTrace.class).stream()
                .filter(t -> t.getTraceId().equals(DemoScenario.CHECKOUT_TRACE_ID))
                .reduce((a, b) -> a.getVersion() > b.getVersion() ? a : b)
                .orElseThrow();
        assertThat(trace.getSourceCounts()).containsKeys("browser", "backend");
        assertThat(trace.getEvents()).extracting(TraceEvent::getMessage)
                .anySatisfy(message -> assertThat(message).contains("rejected password for order 1182"));
        assertThat(trace.getEvents()).as("the API's OpenTelemetry span, read from the Collector's topic")
                .filteredOn(event -> event.getKind().equals("span")).singleElement().satisfies(span -> {
                    assertThat(span.getMessage()).isEqualTo(
                            "shop-api: POST /api/checkout 500 (ERROR: password policy rejected the request) 172.0 ms");
                    assertThat(span.getCommit()).isEqualTo(DemoScenario.TIGHTEN);
                });
        assertThat(trace.getFirstError().getMessage()).as("the span ends after the error it reports")
                .contains("checkout failed: password policy rejected the request");
    }

    @Test
    void observeShowsTheAlertsAndTheTraceAsTheDemoPrintsThem() {
        CliRun alerts = CliRun.on(config, List.of("observe", "alerts"), "--since", "all");
        assertThat(alerts.exitCode()).as(alerts.err()).isZero();
        assertThat(alerts.out()).contains("ci/spot-churn", "agent/agent-loop", "ci/failing-builds", "regressions/test-regression")
                .contains("no more.");

        CliRun trace = CliRun.on(config, List.of("observe", "trace", DemoScenario.CHECKOUT_TRACE_ID), "--since", "all");
        assertThat(trace.exitCode()).as(trace.err()).isZero();
        assertThat(trace.out()).contains("trace " + DemoScenario.CHECKOUT_TRACE_ID, "first error:", "timeline:",
                "rejected password for order 1182", "+0.000s");
        assertThat(trace.out().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(25_000);
    }

    private static List<Alert> alerts() {
        List<Alert> alerts = new ArrayList<>();
        for (AlertFamily family : AlertFamily.values()) {
            alerts.addAll(AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.alerts(family)), Alert.class));
        }
        return alerts;
    }

    private static Alert opened(List<Alert> alerts, String rule) {
        return alerts.stream()
                .filter(alert -> alert.getRule().equals(rule) && alert.getStatus() == AlertStatus.OPEN)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no OPEN " + rule + " alert among " + alerts));
    }
}
