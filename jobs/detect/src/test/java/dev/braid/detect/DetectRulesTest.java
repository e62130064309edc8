package dev.braid.detect;

import static dev.braid.testing.Events.agentAttempt;
import static dev.braid.testing.Events.agentOutcome;
import static dev.braid.testing.Events.agentState;
import static dev.braid.testing.Events.commit;
import static dev.braid.testing.Events.llmCall;
import static dev.braid.testing.Events.mcpProbe;
import static dev.braid.testing.Events.runnerLaunched;
import static dev.braid.testing.Events.spotWarning;
import static dev.braid.testing.Events.testResult;
import static dev.braid.testing.Events.workflowJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.detect.DetectRun.Published;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.AlertStatus;
import dev.braid.schema.CiInstance;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Fix;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.TestStatus;
import dev.braid.testing.Events;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every rule of cep-rules/ on the real job: a positive case, near misses that must not fire, and
 * the same events shuffled (within the out-of-orderness) giving the same alerts.
 */
class DetectRulesTest {

    private static final long SEC = 1000;
    private static final long MIN = 60 * SEC;
    private static final long HOUR = 60 * MIN;
    private static final Duration IN_ORDER = Duration.ofSeconds(1);
    /** Longer than any scenario: a full shuffle is then within the out-of-orderness. */
    private static final Duration WHOLE_SCENARIO = Duration.ofDays(2);

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @Test
    void spotChurnOpensOnTheThirdInterruptionOfOneJobWithinAnHourAndUpdatesOnTheFourth() throws Exception {
        List<NormalizedEvent> events = new ArrayList<>();
        interrupted(events, "J1", "a1", 0, 10 * MIN);
        interrupted(events, "J1", "a2", 12 * MIN, 25 * MIN);
        events.add(runnerTerminated("a2-terminated", 27 * MIN, "i-a2", "J1"));
        interrupted(events, "J1", "a3", 30 * MIN, 41 * MIN);
        interrupted(events, "J1", "a4", 45 * MIN, 50 * MIN);
        // Near misses: two interruptions; three spread over 61 minutes.
        interrupted(events, "J2", "b1", 0, 5 * MIN);
        interrupted(events, "J2", "b2", 6 * MIN, 20 * MIN);
        interrupted(events, "J3", "c1", 0, 1 * MIN);
        interrupted(events, "J3", "c2", 2 * MIN, 31 * MIN);
        interrupted(events, "J3", "c3", 40 * MIN, 62 * MIN);

        assertSameAlertsInAnyOrder(events, published -> {
            List<Alert> alerts = published.of("spot-churn");
            assertThat(alerts).extracting(Alert::getKey).containsOnly("J1");
            assertThat(alerts).extracting(Alert::getStatus)
                    .containsExactly(AlertStatus.OPEN, AlertStatus.UPDATED, AlertStatus.RESOLVED);
            assertThat(alerts).extracting(Alert::getId).containsOnly(alerts.get(0).getId());
            Alert open = alerts.get(0);
            assertThat(open.getFamily()).isEqualTo(AlertFamily.CI);
            assertThat(open.getEvidenceEventIds()).containsExactly("a1-warning", "a2-warning", "a3-warning");
            assertThat(open.getDetails()).containsEntry("interruptions", "3").containsEntry("span", "31 min");
            assertThat(open.getSuggestedAction()).startsWith("Force on-demand capacity for job J1 for the next 60 min");
            assertThat(alerts.get(1).getEvidenceEventIds()).containsExactly("a1-warning", "a2-warning", "a3-warning", "a4-warning");
            assertThat(alerts.get(1).getDetails()).containsEntry("evidence-events", "4");
            assertThat(published.alerts().get(AlertFamily.CI)).extracting(Alert::getRule).containsOnly("spot-churn");
        });
    }

    @Test
    void fleetBreakerOpensOnTenInterruptionsInARegionWithinFifteenMinutesAndClosesWhenQuiet() throws Exception {
        List<NormalizedEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(spotWarning("east-" + i, i * MIN, "i-east-" + i, "us-east-2"));
            // Near misses: nine in a window, and ten spread over eighteen minutes.
            if (i < 9) {
                events.add(spotWarning("west-" + i, i * MIN, "i-west-" + i, "eu-west-1"));
            }
            events.add(spotWarning("slow-" + i, i * 2 * MIN, "i-slow-" + i, "us-west-2"));
        }
        events.add(Events.event("later", 3 * HOUR, Source.BACKEND, "log", Level.INFO, "time moves on").build());

        assertSameAlertsInAnyOrder(events, published -> {
            List<Alert> alerts = published.of("fleet-breaker");
            assertThat(alerts).extracting(Alert::getKey).containsOnly("us-east-2");
            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.OPEN, AlertStatus.RESOLVED);
            assertThat(alerts.get(0).getSeverity().name()).isEqualTo("CRITICAL");
            assertThat(alerts.get(1).getMessage()).startsWith("resolved: no new match for 30 min");
            assertThat(alerts.get(1).getLastEventTime().toEpochMilli()).isEqualTo(Events.T0 + 9 * MIN + 30 * MIN);
        });
    }

    @Test
    void failingBuildsOpensOnThreeDifferentFailuresOfARepoWithinHalfAnHour() throws Exception {
        List<NormalizedEvent> events = List.of(
                workflowJob("shop-1", 0, "acme/shop", "101", "build", "failure"),
                workflowJob("shop-ok", 2 * MIN, "acme/shop", "104", "lint", "success"),
                workflowJob("shop-2", 5 * MIN, "acme/shop", "102", "test", "failure"),
                agentOutcome("shop-3", 20 * MIN, "task-9", "sig-9", 1, "error"),
                // Near misses: the same job failing twice counts once; three failures over 35 minutes.
                workflowJob("api-1", 0, "acme/api", "201", "build", "failure"),
                workflowJob("api-2", 3 * MIN, "acme/api", "201", "build", "failure"),
                workflowJob("api-3", 6 * MIN, "acme/api", "202", "test", "failure"),
                workflowJob("web-1", 0, "acme/web", "301", "build", "failure"),
                workflowJob("web-2", 20 * MIN, "acme/web", "302", "test", "failure"),
                workflowJob("web-3", 35 * MIN, "acme/web", "303", "e2e", "failure"));

        assertSameAlertsInAnyOrder(events, published -> {
            List<Alert> opened = published.of("failing-builds", AlertStatus.OPEN);
            assertThat(opened).extracting(Alert::getKey).containsExactly("acme/shop");
            assertThat(opened.get(0).getEvidenceEventIds()).containsExactly("shop-1", "shop-2", "shop-3");
            assertThat(opened.get(0).getMessage()).contains("job build #101", "job test #102", "task task-9");
            assertThat(published.of("failing-builds")).extracting(Alert::getKey).containsOnly("acme/shop");
        });
    }

    @Test
    void agentLoopOpensOnTheSixthAttemptOrAStateSeenInThreeOfFiveAttemptsAndResolvesOnTheOutcome() throws Exception {
        List<NormalizedEvent> events = new ArrayList<>();
        for (int attempt = 1; attempt <= 6; attempt++) {
            events.add(agentAttempt("t1-" + attempt, attempt * MIN, "T1", "sig-T1", attempt));
        }
        events.add(agentOutcome("t1-done", 7 * MIN, "T1", "sig-T1", 6, "success"));
        // Near miss: five attempts.
        for (int attempt = 1; attempt <= 5; attempt++) {
            events.add(agentAttempt("t2-" + attempt, attempt * MIN, "T2", "sig-T2", attempt));
        }
        // The same state signature in attempts 1, 3 and 5; and, a near miss, in attempts 1, 4 and 7.
        for (int attempt : new int[] {1, 3, 5}) {
            events.add(agentState("t3-" + attempt, attempt * MIN, "T3", attempt, "testing", "4be07c55e2d9a130"));
            events.add(agentState("t3-other-" + attempt, attempt * MIN + SEC, "T3", attempt, "editing", "other-" + attempt));
        }
        for (int attempt : new int[] {1, 4, 7}) {
            events.add(agentState("t4-" + attempt, attempt * MIN, "T4", attempt, "testing", "9e1c0b7d2a4f6358"));
        }

        assertSameAlertsInAnyOrder(events, published -> {
            List<Alert> opened = published.of("agent-loop", AlertStatus.OPEN);
            assertThat(opened).extracting(Alert::getKey).containsExactlyInAnyOrder("T1", "T3");
            Alert attempts = opened.stream().filter(a -> a.getKey().equals("T1")).findFirst().orElseThrow();
            assertThat(attempts.getDetails()).containsEntry("attempt", "6").containsEntry("signature", "sig-T1");
            Alert repeats = opened.stream().filter(a -> a.getKey().equals("T3")).findFirst().orElseThrow();
            assertThat(repeats.getDetails()).containsEntry("attempts", "1, 3, 5").containsEntry("state", "testing");
            List<Alert> resolved = published.of("agent-loop", AlertStatus.RESOLVED);
            assertThat(resolved).extracting(Alert::getKey).containsExactlyInAnyOrder("T1", "T3");
            assertThat(resolved.stream().filter(a -> a.getKey().equals("T1")).findFirst().orElseThrow().getMessage())
                    .startsWith("agent task T1 ended with success on attempt 6");
            assertThat(published.of("agent-loop")).extracting(Alert::getFamily).containsOnly(AlertFamily.AGENT);
        });
    }

    @Test
    void modelApiBreakerOpensOnFiveConsecutiveFailuresOfAProviderAndASuccessClosesIt() throws Exception {
        List<NormalizedEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(llmCall("anthropic-fail-" + i, i * MIN, "anthropic", "529 overloaded_error: Overloaded"));
        }
        events.add(llmCall("anthropic-ok", 6 * MIN, "anthropic", null));
        // Near miss: four failures, a success, four failures.
        for (int i = 0; i < 9; i++) {
            events.add(llmCall("openai-" + i, i * MIN, "openai", i == 4 ? null : "500 server_error"));
        }

        assertSameAlertsInAnyOrder(events, published -> {
            List<Alert> alerts = published.of("model-api-breaker");
            assertThat(alerts).extracting(Alert::getKey).containsOnly("anthropic");
            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.OPEN, AlertStatus.RESOLVED);
            assertThat(alerts.get(0).getSuggestedAction()).contains("529 overloaded_error: Overloaded");
            assertThat(alerts.get(1).getMessage()).startsWith("model API circuit breaker closed: a call to anthropic succeeded");
            assertThat(alerts.get(1).getLastEventTime().toEpochMilli()).isEqualTo(Events.T0 + 6 * MIN);
        });
    }

    @Test
    void mcpUnhealthyOpensOnThreeTimeoutsInFiveMinutesOrOneDownAndAnUpProbeResolvesIt() throws Exception {
        List<NormalizedEvent> events = List.of(
                mcpProbe("pw-1", 0, "playwright", "timeout"),
                mcpProbe("pw-2", 2 * MIN, "playwright", "timeout"),
                mcpProbe("pw-3", 4 * MIN, "playwright", "timeout"),
                mcpProbe("pw-up", 8 * MIN, "playwright", "up"),
                mcpProbe("fs-down", 1 * MIN, "filesystem", "down"),
                // Near miss: three timeouts over six minutes.
                mcpProbe("gh-1", 0, "github", "timeout"),
                mcpProbe("gh-2", 3 * MIN, "github", "timeout"),
                mcpProbe("gh-3", 6 * MIN, "github", "timeout"));

        assertSameAlertsInAnyOrder(events, published -> {
            assertThat(published.of("mcp-unhealthy", AlertStatus.OPEN)).extracting(Alert::getKey)
                    .containsExactlyInAnyOrder("playwright", "filesystem");
            assertThat(published.of("mcp-unhealthy")).extracting(Alert::getKey).doesNotContain("github");
            List<Alert> playwright = published.of("mcp-unhealthy").stream().filter(a -> a.getKey().equals("playwright")).toList();
            assertThat(playwright).extracting(Alert::getStatus).containsExactly(AlertStatus.OPEN, AlertStatus.RESOLVED);
            assertThat(playwright.get(1).getMessage()).startsWith("MCP server playwright is up again");
        });
    }

    @Test
    void flakyTestOpensWhenOneTestPassesAndFailsOnTheSameCommit() throws Exception {
        List<NormalizedEvent> events = List.of(
                testResult("pay-pass", 0, "acme/shop", "main", "checkout.pay", "c1", TestStatus.PASSED),
                testResult("pay-fail", 10 * MIN, "acme/shop", "main", "checkout.pay", "c1", TestStatus.FAILED),
                // Near misses: green then red on different commits; red twice; skipped then passed.
                testResult("cart-pass", 0, "acme/shop", "main", "cart.total", "c1", TestStatus.PASSED),
                testResult("cart-fail", 10 * MIN, "acme/shop", "main", "cart.total", "c2", TestStatus.FAILED),
                testResult("login-fail-1", 0, "acme/shop", "main", "login", "c1", TestStatus.FAILED),
                testResult("login-fail-2", 5 * MIN, "acme/shop", "main", "login", "c1", TestStatus.ERROR),
                testResult("search-skip", 0, "acme/shop", "main", "search", "c1", TestStatus.SKIPPED),
                testResult("search-pass", 5 * MIN, "acme/shop", "main", "search", "c1", TestStatus.PASSED));

        assertSameAlertsInAnyOrder(events, published -> {
            List<Alert> opened = published.of("flaky-test", AlertStatus.OPEN);
            assertThat(opened).extracting(Alert::getKey).containsExactly("acme/shop|checkout.pay@c1");
            assertThat(opened.get(0).getFamily()).isEqualTo(AlertFamily.FLAKY_TESTS);
            assertThat(opened.get(0).getEvidenceEventIds()).containsExactly("pay-pass", "pay-fail");
            assertThat(published.alerts().get(AlertFamily.FLAKY_TESTS)).extracting(Alert::getKey)
                    .containsOnly("acme/shop|checkout.pay@c1");
        });
    }

    @Test
    void testRegressionNamesTheCommitsSinceTheLastPassAndResolvesWhenTheTestPassesAgain() throws Exception {
        List<NormalizedEvent> events = List.of(
                commit("c1", 0, "acme/shop", "main", "Add checkout form", "Ana"),
                testResult("pw-pass", 1 * MIN, "acme/shop", "main", "checkout.password", "c1", TestStatus.PASSED),
                commit("c2", 2 * MIN, "acme/shop", "main", "Tighten password validation", "Bo"),
                commit("c3", 3 * MIN, "acme/shop", "main", "Update copy", "Cy"),
                failed("pw-fail", 4 * MIN, "checkout.password", "c3", "expected 200, got 422: password too short"),
                commit("c4", 5 * MIN, "acme/shop", "main", "Relax password length", "Bo"),
                testResult("pw-green", 6 * MIN, "acme/shop", "main", "checkout.password", "c4", TestStatus.PASSED),
                // Near misses: red without an earlier pass; green and red on the same commit (flaky, not a regression).
                failed("cart-fail", 4 * MIN, "cart.total", "c3", "expected 89.1, got 89.09"),
                testResult("login-pass", 1 * MIN, "acme/shop", "main", "login", "c1", TestStatus.PASSED),
                failed("login-fail", 2 * MIN, "login", "c1", "timeout"));

        assertSameAlertsInAnyOrder(events, published -> {
            List<Alert> alerts = published.of("test-regression");
            assertThat(alerts).extracting(Alert::getKey).containsOnly("acme/shop|main|checkout.password");
            assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.OPEN, AlertStatus.RESOLVED);
            Alert open = alerts.get(0);
            assertThat(open.getFamily()).isEqualTo(AlertFamily.REGRESSIONS);
            assertThat(open.getDetails())
                    .containsEntry("suspect-commits", "c3,c2")
                    .containsEntry("last-pass-commit", "c1")
                    .containsEntry("failure", "expected 200, got 422: password too short");
            assertThat(open.getMessage()).contains("c3 Update copy by Cy; c2 Tighten password validation by Bo");
            assertThat(alerts.get(1).getMessage()).startsWith("test checkout.password passes again on c4");
        });
    }

    @Test
    void errorToSuccessPublishesOneFixPerSuccessForTheSameSignatureWithinTheWindow() throws Exception {
        List<NormalizedEvent> events = List.of(
                agentOutcome("s1-error-1", 0, "task-1", "S1", 1, "error"),
                agentOutcome("s1-error-2", 10 * MIN, "task-2", "S1", 2, "error"),
                agentOutcome("s1-success", 30 * MIN, "task-3", "S1", 3, "success"),
                // Near misses: a success without an error; an error whose success comes after the window.
                agentOutcome("s2-success", 0, "task-4", "S2", 1, "success"),
                agentOutcome("s3-error", 0, "task-5", "S3", 1, "error"),
                agentOutcome("s3-success", 25 * HOUR, "task-6", "S3", 1, "success"));

        List<NormalizedEvent> inOrder = DetectRun.inEventTimeOrder(events);
        for (List<NormalizedEvent> order : List.of(inOrder, DetectRun.shuffled(events))) {
            Published published = DetectRun.run(KAFKA, order, order == inOrder ? IN_ORDER : WHOLE_SCENARIO);
            assertThat(published.fixes()).singleElement().satisfies(fix -> {
                assertThat(fix.getSignature()).isEqualTo("S1");
                assertThat(fix.getErrorEventId()).isEqualTo("s1-error-1");
                assertThat(fix.getSuccessEventId()).isEqualTo("s1-success");
                assertThat(fix.getTimeToFixMs()).isEqualTo(30 * MIN);
                assertThat(fix.getAttempts()).isEqualTo(3);
                assertThat(fix.getError()).isEqualTo("2 tests failing");
                assertThat(fix.getFix()).contains("fixed the discount rounding");
            });
            assertThat(published.fixes()).extracting(Fix::getTaskId).containsExactly("task-3");
        }
    }

    /**
     * Runs the events in event-time order with a tight out-of-orderness, and shuffled with one
     * longer than the scenario; both must satisfy the expectations and publish the same alerts.
     */
    private static void assertSameAlertsInAnyOrder(List<NormalizedEvent> events, Consumer<Published> expectations)
            throws Exception {
        Published inOrder = DetectRun.run(KAFKA, DetectRun.inEventTimeOrder(events), IN_ORDER);
        expectations.accept(inOrder);
        Published shuffled = DetectRun.run(KAFKA, DetectRun.shuffled(events), WHOLE_SCENARIO);
        expectations.accept(shuffled);
        assertThat(summary(shuffled)).containsExactlyInAnyOrderElementsOf(summary(inOrder));
    }

    private static List<String> summary(Published published) {
        return published.all().stream()
                .map(a -> a.getRule() + " " + a.getKey() + " " + a.getStatus() + " r" + a.getRevision() + " " + a.getEvidenceEventIds())
                .toList();
    }

    /** A runner launched for the job and, at {@code warningAt}, AWS's interruption warning for it. */
    private static void interrupted(List<NormalizedEvent> events, String job, String instance, long launchAt, long warningAt) {
        events.add(runnerLaunched(instance + "-launch", launchAt, "i-" + instance, job, "us-east-2"));
        events.add(spotWarning(instance + "-warning", warningAt, "i-" + instance, "us-east-2"));
    }

    /** The runner's own record of the same interruption, after AWS's warning: it must not count twice. */
    private static NormalizedEvent runnerTerminated(String id, long offsetMillis, String instance, String job) {
        return Events.event(id, offsetMillis, Source.CI, "ci.instance", Level.INFO, "runner terminated: spot " + instance)
                .setKeys(CorrelationKeys.newBuilder().setJobId(job).build())
                .setMetadata(Map.of("reason", "spot-interruption"))
                .setPayload(CiInstance.newBuilder().setInstanceId(instance).setEvent("terminated").setLifecycle("spot")
                        .setRegion("us-east-2").build())
                .build();
    }

    private static NormalizedEvent failed(String id, long offsetMillis, String test, String commit, String failure) {
        NormalizedEvent result = testResult(id, offsetMillis, "acme/shop", "main", test, commit, TestStatus.FAILED);
        return NormalizedEvent.newBuilder(result)
                .setPayload(dev.braid.schema.TestResult.newBuilder((dev.braid.schema.TestResult) result.getPayload())
                        .setFailureMessage(failure).build())
                .build();
    }
}
