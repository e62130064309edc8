package dev.braid.detect.rules.tests;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.commit;
import static dev.braid.testing.Events.testResult;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.detect.model.Finding;
import dev.braid.detect.model.FindingAction;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

class TestRegressionsTest {

    private static final long MIN = 60_000;
    private KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Finding> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TestRegressions(10, 3, Duration.ofDays(7))),
                TestRegression::branchKey, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aTestGreenOnOneCommitAndRedOnALaterOneFiresWithTheCommitsInBetweenNewestFirst() throws Exception {
        send(commit("c1", 0, "acme/shop", "main", "Add form", "Ana"),
                testResult("pass", MIN, "acme/shop", "main", "t", "c1", TestStatus.PASSED),
                commit("c2", 2 * MIN, "acme/shop", "main", "Tighten validation", "Bo"),
                commit("c3", 3 * MIN, "acme/shop", "main", "Copy", "Cy"),
                testResult("fail", 4 * MIN, "acme/shop", "main", "t", "c3", TestStatus.FAILED));
        harness.processWatermark(T0 + 10 * MIN);

        assertThat(findings()).singleElement().satisfies(finding -> {
            assertThat(finding.getAction()).isEqualTo(FindingAction.FIRE);
            assertThat(finding.getKey()).isEqualTo("acme/shop|main|t");
            assertThat(finding.getDetails()).containsEntry("suspect-commits", "c3,c2");
        });
    }

    @Test
    void eventsArriveInAnyOrderBeforeTheWatermarkAndAreJudgedInEventTimeOrder() throws Exception {
        send(testResult("fail", 4 * MIN, "acme/shop", "main", "t", "c3", TestStatus.FAILED),
                commit("c3", 3 * MIN, "acme/shop", "main", "Copy", "Cy"),
                testResult("pass", MIN, "acme/shop", "main", "t", "c1", TestStatus.PASSED),
                commit("c1", 0, "acme/shop", "main", "Add form", "Ana"));
        harness.processWatermark(T0 + 10 * MIN);

        assertThat(findings()).extracting(f -> f.getDetails().get("suspect-commits")).containsExactly("c3");
    }

    @Test
    void passingAgainClearsAndStateKeepsOnlyTheNewestCommitsAndOneVerdictPerTest() throws Exception {
        for (int i = 0; i < 6; i++) {
            send(commit("c" + i, i * MIN, "acme/shop", "main", "commit " + i, "Ana"));
        }
        send(testResult("pass", 6 * MIN, "acme/shop", "main", "t", "c5", TestStatus.PASSED),
                testResult("fail", 7 * MIN, "acme/shop", "main", "t", "c6", TestStatus.FAILED),
                testResult("green", 8 * MIN, "acme/shop", "main", "t", "c7", TestStatus.PASSED));
        harness.processWatermark(T0 + 10 * MIN);

        assertThat(findings()).extracting(Finding::getAction).containsExactly(FindingAction.FIRE, FindingAction.CLEAR);
        // The branch's commits (capped at max-commits) and verdicts remain; nothing waits for the watermark.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aReportUploadedTenMinutesAfterItsRunWhileLiveTrafficMovesTheWatermarkIsStillJudged() throws Exception {
        send(commit("c1", 0, "acme/shop", "main", "Add form", "Ana"),
                commit("c2", 2 * MIN, "acme/shop", "main", "Tighten validation", "Bo"));
        // Live traffic from other sources keeps the watermark current while the runs' reports are uploaded.
        harness.processWatermark(T0 + 15 * MIN);
        send(testResult("pass", MIN, "acme/shop", "main", "t", "c1", TestStatus.PASSED));
        harness.processWatermark(T0 + 16 * MIN);
        send(testResult("fail", 3 * MIN, "acme/shop", "main", "t", "c2", TestStatus.FAILED));
        harness.processWatermark(T0 + 17 * MIN);

        assertThat(findings()).singleElement().satisfies(finding -> {
            assertThat(finding.getAction()).isEqualTo(FindingAction.FIRE);
            assertThat(finding.getDetails()).containsEntry("last-pass-commit", "c1").containsEntry("suspect-commits", "c2");
        });
    }

    private void send(NormalizedEvent... events) throws Exception {
        for (NormalizedEvent event : events) {
            harness.processElement(new StreamRecord<>(event, event.getEventTime().toEpochMilli()));
        }
    }

    private List<Finding> findings() {
        return harness.extractOutputValues();
    }
}
