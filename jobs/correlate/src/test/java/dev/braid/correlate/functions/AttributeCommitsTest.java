package dev.braid.correlate.functions;

import dev.braid.testing.Events;
import dev.braid.testing.FunctionFields;
import dev.braid.correlate.model.Traces;
import dev.braid.schema.ChainLink;
import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.SuspectCommit;
import dev.braid.schema.TestStatus;
import dev.braid.schema.TraceKind;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static dev.braid.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class AttributeCommitsTest {

    private static final long SECOND = 1_000;
    private static final long MINUTE = 60 * SECOND;
    private static final int MAX_COMMITS = 12;
    private static final String REPO = "acme/shop";
    private static final String MAIN = "main";
    private static final String TEST = "checkout::validates password";
    private static final String C1 = sha(1);
    private static final String C2 = sha(2);
    private static final String C3 = sha(3);

    private KeyedTwoInputStreamOperatorTestHarness<String, NormalizedEvent, CorrelatedTrace, CorrelatedTrace> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new AttributeCommits(MAX_COMMITS, Duration.ofDays(7), Duration.ofMinutes(1))),
                AttributeCommits::historyKey,
                AttributeCommits::historyKey,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void failingTestSuspectsTheCommitsSinceItsLastPassNewestFirstWithAChainLinkEach() throws Exception {
        threeCommitsOnMain();
        history(Events.testResult("pass-1", 90 * SECOND, REPO, MAIN, TEST, C1, TestStatus.PASSED));
        int historyEntries = harness.numKeyedStateEntries();

        trace("t-1", failingTest("fail-1", 210 * SECOND, C3));
        watermark(210 * SECOND);

        CorrelatedTrace out = single();
        assertThat(shas(out)).containsExactly(C3, C2);
        assertThat(out.getSuspectCommits().get(0)).isEqualTo(SuspectCommit.newBuilder()
                .setSha(C3).setRepo(REPO).setBranch(MAIN).setAuthor("Cy").setMessage("Refactor checkout")
                .setTime(Instant.ofEpochMilli(T0 + 3 * MINUTE)).build());
        assertThat(out.getCausalChain()).extracting(ChainLink::getRole)
                .containsExactly("failing_test", "suspect_commit", "suspect_commit");
        assertThat(out.getCausalChain().subList(1, 3)).extracting(ChainLink::getRef, ChainLink::getSummary)
                .containsExactly(
                        tuple(C3, "c3fffff Refactor checkout by Cy"),
                        tuple(C2, "c2fffff Tighten password rules by Ben"));
        assertNoTraceHeld(historyEntries);
    }

    @Test
    void failingTestWithoutAnEarlierPassSuspectsEveryKeptCommitUpToTheFailure() throws Exception {
        threeCommitsOnMain();
        history(Events.testResult("pass-other", 90 * SECOND, REPO, MAIN, "cart::adds item", C1, TestStatus.PASSED));
        int historyEntries = harness.numKeyedStateEntries();

        trace("t-1", failingTest("fail-1", 210 * SECOND, null));
        watermark(210 * SECOND);

        assertThat(shas(single())).containsExactly(C3, C2, C1);
        assertNoTraceHeld(historyEntries);
    }

    @Test
    void passAfterTheFailureIsNoEarlierPass() throws Exception {
        threeCommitsOnMain();
        history(Events.testResult("pass-later", 240 * SECOND, REPO, MAIN, TEST, null, TestStatus.PASSED));

        trace("t-1", failingTest("fail-1", 210 * SECOND, null));
        watermark(240 * SECOND);

        assertThat(shas(single())).containsExactly(C3, C2, C1);
    }

    @Test
    void passOnAKnownCommitCountsFromThatCommitsTime() throws Exception {
        threeCommitsOnMain();
        // A rerun of C1 at 2m30s vouches for C1 only, not for C2 pushed before it.
        history(Events.testResult("rerun-c1", 150 * SECOND, REPO, MAIN, TEST, C1, TestStatus.PASSED));

        trace("t-1", failingTest("fail-1", 210 * SECOND, null));
        watermark(210 * SECOND);

        assertThat(shas(single())).containsExactly(C3, C2);
    }

    @Test
    void failingTestOnAKnownCommitIsPlacedAtThatCommitsTime() throws Exception {
        threeCommitsOnMain();
        history(Events.testResult("pass-1", 90 * SECOND, REPO, MAIN, TEST, C1, TestStatus.PASSED));

        trace("t-1", failingTest("fail-1", 210 * SECOND, C2));
        watermark(210 * SECOND);

        assertThat(shas(single())).containsExactly(C2);
    }

    @Test
    void backendErrorWithoutFailingTestSuspectsTheCommitsSinceTheLastPassOfAnyTestOnTheBranch() throws Exception {
        threeCommitsOnMain();
        history(Events.testResult("pass-a", 90 * SECOND, REPO, MAIN, "cart::adds item", null, TestStatus.PASSED));
        history(Events.testResult("pass-b", 150 * SECOND, REPO, MAIN, TEST, null, TestStatus.PASSED));
        history(Events.testResult("fail-c", 170 * SECOND, REPO, MAIN, "cart::removes item", null, TestStatus.FAILED));
        int historyEntries = harness.numKeyedStateEntries();

        trace("t-1", Events.backendError("err-1", 210 * SECOND, REPO, MAIN));
        watermark(210 * SECOND);

        CorrelatedTrace out = single();
        assertThat(shas(out)).containsExactly(C3);
        assertThat(out.getCausalChain()).extracting(ChainLink::getRole).containsExactly("backend_error", "suspect_commit");
        assertNoTraceHeld(historyEntries);
    }

    @Test
    void commitsOfAnotherBranchOrRepoAreNeverSuspects() throws Exception {
        threeCommitsOnMain();
        history(Events.commit(sha(7), 150 * SECOND, REPO, "feature/coupons", "Add coupons", "Dee"));
        history(Events.commit(sha(8), 160 * SECOND, "acme/other", MAIN, "Bump deps", "Eve"));

        trace("t-1", failingTest("fail-1", 210 * SECOND, null));
        watermark(210 * SECOND);

        assertThat(shas(single())).containsExactly(C3, C2, C1);
    }

    @Test
    void commitsAfterTheFailureAreNotSuspects() throws Exception {
        threeCommitsOnMain();
        history(Events.commit(sha(4), 4 * MINUTE, REPO, MAIN, "Fix checkout", "Ana"));

        trace("t-1", failingTest("fail-1", 210 * SECOND, null));
        watermark(4 * MINUTE);

        assertThat(shas(single())).containsExactly(C3, C2, C1);
    }

    @Test
    void maxCommitsPerBranchKeepsOnlyTheNewest() throws Exception {
        IntStream.rangeClosed(1, MAX_COMMITS + 1).forEach(n ->
                history(Events.commit(sha(n), n * SECOND, REPO, MAIN, "Change " + n, "Ana")));
        // An older commit arriving late is trimmed at once.
        history(Events.commit(sha(0), 0, REPO, MAIN, "Initial commit", "Ana"));

        trace("t-1", failingTest("fail-1", 3500, null));
        watermark(3500);

        assertThat(shas(single())).as("commits 0 and 1 were trimmed").containsExactly(sha(3), sha(2));
    }

    @Test
    void atMostTenSuspectsNewestFirst() throws Exception {
        IntStream.rangeClosed(1, MAX_COMMITS).forEach(n ->
                history(Events.commit(sha(n), n * SECOND, REPO, MAIN, "Change " + n, "Ana")));

        trace("t-1", failingTest("fail-1", MINUTE, null));
        watermark(MINUTE);

        assertThat(shas(single())).containsExactlyElementsOf(
                IntStream.iterate(MAX_COMMITS, n -> n - 1).limit(AttributeCommits.MAX_SUSPECTS).mapToObj(AttributeCommitsTest::sha).toList());
    }

    @Test
    void traceIsHeldUntilTheWatermarkReachesItsEndSoEarlierCommitsStillArrive() throws Exception {
        history(Events.commit(C1, MINUTE, REPO, MAIN, "Add login form", "Ana"));
        int historyEntries = harness.numKeyedStateEntries();
        trace("t-1", failingTest("fail-1", 210 * SECOND, null));
        history(Events.commit(C2, 2 * MINUTE, REPO, MAIN, "Tighten password rules", "Ben"));

        watermark(210 * SECOND - 1);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).as("the held trace, its release time and its place under each timer")
                .isEqualTo(historyEntries + 4);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        watermark(210 * SECOND);

        assertThat(shas(single())).containsExactly(C2, C1);
        assertNoTraceHeld(historyEntries);
    }

    @Test
    void severalHeldTracesOfTheBranchAreEachEmittedWhenTheWatermarkReachesTheirEnd() throws Exception {
        threeCommitsOnMain();
        int historyEntries = harness.numKeyedStateEntries();

        trace("t-1", failingTest("fail-1", 150 * SECOND, null));
        trace(Traces.build("t-1", TraceKind.TRACE, 2, CloseReason.LATE_EVENT,
                List.of(failingTest("fail-1", 150 * SECOND, null), failingTest("fail-2", 200 * SECOND, null))));
        trace("t-2", Events.backendError("err-1", 190 * SECOND, REPO, MAIN));

        watermark(190 * SECOND);
        assertThat(harness.extractOutputValues()).extracting(CorrelatedTrace::getTraceId, CorrelatedTrace::getVersion)
                .containsExactlyInAnyOrder(tuple("t-1", 1), tuple("t-2", 1));

        watermark(200 * SECOND);
        List<CorrelatedTrace> out = harness.extractOutputValues();
        assertThat(out).hasSize(3);
        assertThat(out.get(2).getVersion()).isEqualTo(2);
        assertThat(shas(out.get(2))).as("placed at its first failing test").containsExactly(C2, C1);
        assertNoTraceHeld(historyEntries);
    }

    @Test
    void traceArrivingAfterTheWatermarkPassedItsEndIsAttributedAtOnce() throws Exception {
        threeCommitsOnMain();
        int historyEntries = harness.numKeyedStateEntries();
        watermark(5 * MINUTE);

        trace("t-1", failingTest("fail-1", 210 * SECOND, null));

        assertThat(shas(single())).containsExactly(C3, C2, C1);
        assertNoTraceHeld(historyEntries);
    }

    @Test
    void traceWithErrorsButWithoutRepoOrBranchPassesThroughUnchangedAtOnce() throws Exception {
        CorrelatedTrace noRepo = Traces.build("t-1", TraceKind.TRACE, 1, CloseReason.INACTIVITY,
                List.of(Events.backendError("err-1", 210 * SECOND, null, null)));
        CorrelatedTrace noBranch = Traces.build("t-2", TraceKind.TRACE, 1, CloseReason.INACTIVITY,
                List.of(Events.backendError("err-2", 210 * SECOND, REPO, null)));

        trace(noRepo);
        trace(noBranch);

        assertThat(harness.extractOutputValues()).containsExactly(noRepo, noBranch);
        assertNoTraceHeld(0);
    }

    @Test
    void traceWithoutErrorsPassesThroughUnchangedAtOnce() throws Exception {
        threeCommitsOnMain();
        int historyEntries = harness.numKeyedStateEntries();
        CorrelatedTrace healthy = Traces.build("t-1", TraceKind.TRACE, 1, CloseReason.INACTIVITY, List.of(
                Events.event("log-1", 210 * SECOND, Source.BACKEND, "log", Level.INFO, "order placed")
                        .setKeys(CorrelationKeys.newBuilder().setRepo(REPO).setBranch(MAIN).build())
                        .build(),
                Events.testResult("pass-1", 211 * SECOND, REPO, MAIN, TEST, C3, TestStatus.PASSED)));

        trace(healthy);

        assertThat(harness.extractOutputValues()).containsExactly(healthy);
        assertNoTraceHeld(historyEntries);
    }

    @Test
    void traceHeldWhileTheWatermarkStandsStillForADayIsAttributedAfterTheQuietGap() throws Exception {
        threeCommitsOnMain();
        history(Events.testResult("pass-1", 90 * SECOND, REPO, MAIN, TEST, C1, TestStatus.PASSED));
        watermark(100 * SECOND); // then every source goes idle
        int historyEntries = harness.numKeyedStateEntries();
        trace("t-1", failingTest("fail-1", 210 * SECOND, C3));

        harness.setStateTtlProcessingTime(Duration.ofDays(1).toMillis());
        harness.setProcessingTime(Duration.ofDays(1).toMillis());

        assertThat(shas(single())).containsExactly(C3, C2);
        assertNoTraceHeld(historyEntries);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void traceReleasedByTheQuietGapLeavesTheTimerItSharesWithATraceStillHeld() throws Exception {
        threeCommitsOnMain();
        int historyEntries = harness.numKeyedStateEntries();
        trace("t-1", failingTest("fail-1", 210 * SECOND, null));
        harness.setProcessingTime(Duration.ofSeconds(30).toMillis());
        trace("t-2", Events.backendError("err-1", 210 * SECOND, REPO, MAIN));

        harness.setProcessingTime(Duration.ofMinutes(1).toMillis());
        assertThat(single().getTraceId()).as("t-1's quiet gap ran out").isEqualTo("t-1");
        assertThat(harness.numEventTimeTimers()).as("t-2 still waits on the same end").isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).as("t-2's own quiet gap").isEqualTo(1);

        watermark(210 * SECOND);
        assertThat(harness.extractOutputValues()).extracting(CorrelatedTrace::getTraceId).containsExactly("t-1", "t-2");
        assertNoTraceHeld(historyEntries);
    }

    @Test
    void tracesHeldByAVersionWithoutTheTimerIndexAreStillReleasedByTheirTimers() throws Exception {
        threeCommitsOnMain();
        int historyEntries = harness.numKeyedStateEntries();
        trace("t-1", failingTest("fail-1", 210 * SECOND, null));
        trace("t-2", Events.backendError("err-1", 300 * SECOND, REPO, MAIN));
        asRestoredFromAVersionWithoutTheTimerIndex();

        watermark(210 * SECOND);
        assertThat(single().getTraceId()).isEqualTo("t-1");

        harness.setProcessingTime(Duration.ofMinutes(1).toMillis());
        assertThat(harness.extractOutputValues()).extracting(CorrelatedTrace::getTraceId).containsExactly("t-1", "t-2");
        harness.processBothWatermarks(new Watermark(Long.MAX_VALUE)); // t-2's event-time timer fires and finds nothing
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(historyEntries);
    }

    @Test
    void heldTraceWhoseStateTheTtlExpiredIsCountedOnceWhenItsTimersFindNothing() throws Exception {
        threeCommitsOnMain();
        watermark(100 * SECOND);
        trace("t-1", failingTest("fail-1", 210 * SECOND, C3));

        harness.setStateTtlProcessingTime(Duration.ofDays(8).toMillis()); // past the 7-day backstop
        watermark(210 * SECOND);
        assertThat(heldTracesExpired()).as("the event-time timer leaves the count to the wall timer").isZero();
        harness.setProcessingTime(Duration.ofMinutes(1).toMillis());

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(heldTracesExpired()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers() + harness.numProcessingTimeTimers()).as("no timer left").isZero();
    }

    /** The function's counter: the plain two-input harness keeps no metrics to read back. */
    private long heldTracesExpired() {
        return FunctionFields.<Counter>of(harness, "heldExpired").getCount();
    }

    /** Empties the held traces' timer index, as a savepoint of a version that kept none restores. */
    private void asRestoredFromAVersionWithoutTheTimerIndex() throws Exception {
        for (String index : List.of("heldByEnd", "heldByRelease")) {
            FunctionFields.<MapState<?, ?>>ofKey(harness, REPO + '|' + MAIN, index).clear();
        }
    }

    private void threeCommitsOnMain() {
        history(Events.commit(C1, MINUTE, REPO, MAIN, "Add login form", "Ana"));
        history(Events.commit(C2, 2 * MINUTE, REPO, MAIN, "Tighten password rules", "Ben"));
        history(Events.commit(C3, 3 * MINUTE, REPO, MAIN, "Refactor checkout", "Cy"));
    }

    private static NormalizedEvent failingTest(String id, long offsetMillis, String commit) {
        return Events.testResult(id, offsetMillis, REPO, MAIN, TEST, commit, TestStatus.FAILED);
    }

    private void history(NormalizedEvent event) {
        try {
            harness.processElement1(event, event.getEventTime().toEpochMilli());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void trace(String traceId, NormalizedEvent... events) throws Exception {
        trace(Traces.build(traceId, TraceKind.TRACE, 1, CloseReason.INACTIVITY, List.of(events)));
    }

    private void trace(CorrelatedTrace trace) throws Exception {
        harness.processElement2(trace, trace.getEnd().toEpochMilli());
    }

    private void watermark(long offsetMillis) throws Exception {
        harness.processBothWatermarks(new Watermark(T0 + offsetMillis));
    }

    private CorrelatedTrace single() {
        List<CorrelatedTrace> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    /** Only the history is left: no held trace and no timer. */
    private void assertNoTraceHeld(int historyEntries) {
        assertThat(harness.numKeyedStateEntries()).isEqualTo(historyEntries);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    private static List<String> shas(CorrelatedTrace trace) {
        return trace.getSuspectCommits().stream().map(SuspectCommit::getSha).toList();
    }

    private static String sha(int n) {
        String prefix = "c" + n;
        return prefix + "f".repeat(40 - prefix.length());
    }
}
