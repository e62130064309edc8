package dev.braid.detect.rules.agent;

import static dev.braid.testing.Events.agentState;
import static dev.braid.testing.Events.llmCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.detect.functions.MatchRuns;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.CountedRun;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.MeteredHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * 10,000 events in one window on one key: the hottest key a threshold rule meets (a provider in
 * the outage its breaker detects). The work per event is counted, not timed: the events the rule's
 * condition looks at and the runs judged, per batch of 1,000, must be the same in the last batch
 * as in the first, however many events the window holds by then.
 */
class RunCostTest {

    private static final int EVENTS = 10_000;
    private static final int BATCH = 1_000;
    private static final long SEC = 1_000;

    @Test
    void everyFailedCallOfAnOutageCostsTheSameAsTheFirstAndFiresOnceOnTheLastFive() throws Exception {
        CountedRun breaker = new CountedRun(new ModelApiBreaker.Detector(5, Duration.ofMinutes(30)));
        // 100 ms apart: all 10,000 inside the 30 min window.
        List<long[]> work = run(breaker, i -> llmCall("fail-" + i, i * 100L, "anthropic", "529 overloaded_error"));

        assertThat(work.subList(1, work.size())).allSatisfy(batch -> assertThat(batch).containsExactly(work.get(1)));
        // One look per call, one finding per call from the fifth on.
        assertThat(work.get(1)).containsExactly(BATCH, BATCH);
        assertThat(breaker.longestRun()).isEqualTo(5);
    }

    @Test
    void aStateRepeatingInEveryAttemptCostsTheSameInTheTenThousandthAttemptAsInTheTenth() throws Exception {
        CountedRun repeats = new CountedRun(new AgentLoop.RepeatedState(3, 5, Duration.ofHours(6)));
        // A second apart: all 10,000 inside the 6 h window.
        List<long[]> work = run(repeats, i -> agentState("s-" + i, i * SEC, "T", i + 1, "testing", "4be07c55e2d9a130"));

        assertThat(work.subList(1, work.size())).allSatisfy(batch -> assertThat(batch).containsExactly(work.get(1)));
        // The condition reads the run: at most 1 + 2 + 3 events and the event alone, per attempt.
        assertThat(work.get(1)[0]).isLessThanOrEqualTo(7L * BATCH);
        assertThat(repeats.longestRun()).isEqualTo(3);
    }

    /**
     * Sends the events in batches, the watermark after each; returns per batch the events the rule
     * looked at and the runs it judged. The first batch fills the run; the key holds nothing after.
     */
    private static List<long[]> run(CountedRun detector, IntFunction<NormalizedEvent> event) throws Exception {
        List<long[]> work = new ArrayList<>();
        try (MeteredHarness<String, NormalizedEvent, Finding> metered =
                     new MeteredHarness<>(new MatchRuns(detector), detector::key, Types.STRING)) {
            var harness = metered.harness();
            long last = 0;
            for (int batch = 0; batch < EVENTS; batch += BATCH) {
                long lookedAt = detector.eventsLookedAt();
                long runs = detector.runs();
                for (int i = batch; i < batch + BATCH; i++) {
                    NormalizedEvent next = event.apply(i);
                    last = next.getEventTime().toEpochMilli();
                    harness.processElement(next, last);
                }
                harness.processWatermark(last);
                work.add(new long[] {detector.eventsLookedAt() - lookedAt, detector.runs() - runs});
                assertThat(harness.numKeyedStateEntries()).as("the run only: nothing waits, nothing else is kept").isEqualTo(1);
            }
            harness.processWatermark(last + detector.window().toMillis());
            assertThat(metered.held()).isEmpty();
            assertThat(harness.extractOutputValues()).hasSize(EVENTS - detector.count() + 1);
        }
        return work;
    }
}
