package dev.braid.detect.rules.agent;

import static dev.braid.testing.Events.agentAttempt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.detect.cep.ResumingOperator;
import dev.braid.detect.functions.MatchRuns;
import dev.braid.detect.model.Finding;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * 100,000 agent tasks that each live a few seconds and never loop: the run operator's keyed state
 * (events waiting for the watermark, the run) must follow the tasks still inside the window and
 * return to zero, timers included, once the windows have passed. With keys this short-lived,
 * anything kept after the window would grow without bound.
 */
class RunStateBoundTest {

    private static final int TASKS = 100_000;
    /** RocksDB serializes every state access; fewer tasks keep the test short. */
    private static final int ROCKSDB_TASKS = 10_000;
    private static final int ATTEMPTS_PER_TASK = 3;
    private static final long ATTEMPT_SPACING = 1_000;
    /** One task starts every 36 ms: an hour of tasks. */
    private static final long TASK_SPACING = Duration.ofHours(1).toMillis() / TASKS;
    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final int TASKS_PER_BATCH = 1_000;
    /** The states MatchRuns keeps per key. */
    private static final List<String> RUN_STATES = List.of("pending-by-time", "run");
    /**
     * A task is in state from its first attempt until the watermark passes its last attempt plus
     * the window; the watermark moves once per batch, so a batch's worth of tasks adds to that.
     */
    private static final long LIVE_TASKS_BOUND =
            (WINDOW.toMillis() + (ATTEMPTS_PER_TASK - 1) * ATTEMPT_SPACING + TASKS_PER_BATCH * TASK_SPACING) / TASK_SPACING;

    @Test
    void heapStateAndTimersFollowTheLiveTasksAndReturnToZero() throws Exception {
        try (var harness = harness(pruned())) {
            harness.open();
            assertStateBounded("heap", TASKS, harness, harness::numKeyedStateEntries);
        }
    }

    @Test
    void rocksDbStateAndTimersFollowTheLiveTasksAndReturnToZero() throws Exception {
        try (var harness = harness(pruned())) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
            harness.open();
            // The harness counts heap entries only; RocksDB is asked for the keys of each CEP state.
            assertStateBounded("rocksdb", ROCKSDB_TASKS, harness, () -> rocksDbKeys(harness));
        }
    }

    private static void assertStateBounded(String backend, int tasks,
            KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Finding> harness, StateEntries entries) throws Exception {
        long peak = 0;
        long maxTime = Long.MIN_VALUE;
        for (int batch = 0; batch < tasks; batch += TASKS_PER_BATCH) {
            for (int task = batch; task < batch + TASKS_PER_BATCH; task++) {
                maxTime = Math.max(maxTime, sendTask(harness, task));
            }
            peak = Math.max(peak, entries.count());
            harness.processWatermark(maxTime);
        }
        // A run expires a window after its last attempt.
        harness.processWatermark(maxTime + WINDOW.toMillis());

        assertThat(harness.extractOutputValues()).as("no task looped").isEmpty();
        assertThat(peak).isPositive().isLessThanOrEqualTo(RUN_STATES.size() * LIVE_TASKS_BOUND);
        assertThat(entries.count()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    /** Three attempts, a second apart; returns the last one's time. */
    private static long sendTask(KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Finding> harness, int task)
            throws Exception {
        long time = 0;
        for (int attempt = 1; attempt <= ATTEMPTS_PER_TASK; attempt++) {
            long offset = task * TASK_SPACING + (attempt - 1) * ATTEMPT_SPACING;
            NormalizedEvent event = agentAttempt("t" + task + "-" + attempt, offset, "task-" + task, "sig", attempt);
            time = event.getEventTime().toEpochMilli();
            harness.processElement(event, time);
        }
        return time;
    }

    private static long rocksDbKeys(KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Finding> harness) {
        KeyedStateBackend<Object> backend = ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        long keys = 0;
        for (String state : RUN_STATES) {
            try (Stream<Object> stateKeys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                keys += stateKeys.count();
            }
        }
        return keys;
    }

    private static AgentLoop.TooManyAttempts detector() {
        return new AgentLoop.TooManyAttempts(5, WINDOW);
    }

    /** The operator the job runs for agent-loop's attempts. */
    private static OneInputStreamOperator<NormalizedEvent, Finding> pruned() {
        return new ResumingOperator(new MatchRuns(detector()), serializer());
    }

    private static TypeSerializer<NormalizedEvent> serializer() {
        return new AvroTypeInfo<>(NormalizedEvent.class).createSerializer(new SerializerConfigImpl());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Finding> harness(
            OneInputStreamOperator<NormalizedEvent, Finding> operator) throws Exception {
        AgentLoop.TooManyAttempts detector = detector();
        return new KeyedOneInputStreamOperatorTestHarness<>(operator, detector::key, Types.STRING);
    }

    @FunctionalInterface
    private interface StateEntries {
        long count() throws Exception;
    }
}
