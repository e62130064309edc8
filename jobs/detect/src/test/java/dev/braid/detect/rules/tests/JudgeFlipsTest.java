package dev.braid.detect.rules.tests;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.testResult;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.detect.model.Finding;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;
import dev.braid.testing.MeteredHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/** The flaky-test rule judges results as they arrive: a report uploaded long after its run still counts. */
class JudgeFlipsTest {

    private static final long MIN = 60_000;
    private static final Duration WINDOW = Duration.ofHours(24);
    /** Live traffic from other sources has moved the watermark on while the reports were uploaded. */
    private static final long LIVE_WATERMARK = T0 + 20 * MIN;

    private MeteredHarness<String, NormalizedEvent, Finding> metered;

    @BeforeEach
    void open() throws Exception {
        metered = new MeteredHarness<>(new JudgeFlips(WINDOW), FlakyTest::key, Types.STRING);
        metered.harness().processWatermark(LIVE_WATERMARK);
    }

    @AfterEach
    void close() throws Exception {
        metered.close();
    }

    @Test
    void aPassAndAFailureUploadedTenMinutesAfterTheirRunsFlagTheTestFlaky() throws Exception {
        send(result("pass", MIN, TestStatus.PASSED), result("fail", 2 * MIN, TestStatus.FAILED));

        assertThat(metered.harness().extractOutputValues()).singleElement().satisfies(flip -> {
            assertThat(flip.getKey()).isEqualTo("acme/shop|checkout.pay@c1");
            assertThat(flip.getEvidenceEventIds()).containsExactly("pass", "fail");
            assertThat(flip.getMessage()).contains("passed, then failed");
        });
    }

    @Test
    void theFailureUploadedBeforeThePassOfAnEarlierRunGivesTheSameFlip() throws Exception {
        send(result("fail", 2 * MIN, TestStatus.FAILED), result("pass", MIN, TestStatus.PASSED));

        assertThat(metered.harness().extractOutputValues()).singleElement().satisfies(flip -> {
            assertThat(flip.getEvidenceEventIds()).containsExactly("pass", "fail");
            assertThat(flip.getMessage()).contains("passed, then failed");
        });
    }

    @Test
    void aPassAndAFailureFurtherApartThanTheWindowAreNoFlip() throws Exception {
        send(result("pass", MIN, TestStatus.PASSED), result("fail", MIN + WINDOW.toMillis(), TestStatus.FAILED));

        assertThat(metered.harness().extractOutputValues()).isEmpty();
    }

    @Test
    void aCommitsResultsAreForgottenAWindowAfterTheNewestWhateverTheirNumber() throws Exception {
        for (int run = 0; run < 1_000; run++) {
            send(result("run-" + run, run * MIN, run % 2 == 0 ? TestStatus.PASSED : TestStatus.FAILED));
        }
        assertThat(metered.harness().numKeyedStateEntries()).as("the latest pass and failure").isEqualTo(2);
        assertThat(metered.harness().numEventTimeTimers()).isEqualTo(1);

        metered.harness().processWatermark(T0 + 999 * MIN + WINDOW.toMillis());

        assertThat(metered.held()).isEmpty();
        assertThat(metered.harness().extractOutputValues()).hasSize(999);
    }

    private static NormalizedEvent result(String id, long offsetMillis, TestStatus status) {
        return testResult(id, offsetMillis, "acme/shop", "main", "checkout.pay", "c1", status);
    }

    private void send(NormalizedEvent... results) throws Exception {
        for (NormalizedEvent result : results) {
            metered.harness().processElement(result, result.getEventTime().toEpochMilli());
        }
    }
}
