package dev.braid.detect.rules.ci;

import static dev.braid.testing.Events.spotWarning;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.detect.cep.ResumingOperator;
import dev.braid.detect.functions.MatchRuns;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.EventFields;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

/** The run state of spot-churn, snapshotted under one threshold and restored under another. */
class SpotChurnThresholdChangeTest {

    private static final long MIN = 60_000;
    private static final Duration WINDOW = Duration.ofMinutes(60);

    @Test
    void raisingTheThresholdKeepsTheRunAndFiresAtTheNewCount() throws Exception {
        OperatorSubtaskState snapshot = runThenSnapshot(3, 1, 2);

        assertThat(restoreAndRun(snapshot, 4, 3, 4)).singleElement()
                .satisfies(f -> assertThat(f.getEvidenceEventIds()).containsExactly("w1", "w2", "w3", "w4"));
    }

    @Test
    void loweringTheThresholdKeepsTheRunAndFiresAtTheNewCount() throws Exception {
        OperatorSubtaskState snapshot = runThenSnapshot(3, 1);

        assertThat(restoreAndRun(snapshot, 2, 2)).singleElement()
                .satisfies(f -> assertThat(f.getEvidenceEventIds()).containsExactly("w1", "w2"));
    }

    private static OperatorSubtaskState runThenSnapshot(int threshold, int... interruptions) throws Exception {
        try (var harness = harness(threshold)) {
            harness.open();
            send(harness, interruptions);
            assertThat(harness.extractOutputValues()).isEmpty();
            return harness.snapshot(1, 1);
        }
    }

    private static List<Finding> restoreAndRun(OperatorSubtaskState snapshot, int threshold, int... interruptions)
            throws Exception {
        try (var harness = harness(threshold)) {
            harness.initializeState(snapshot);
            harness.open();
            send(harness, interruptions);
            return harness.extractOutputValues();
        }
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Finding> harness, int... interruptions)
            throws Exception {
        for (int n : interruptions) {
            NormalizedEvent warning = spotWarning("w" + n, n * 10 * MIN, "i-" + n, "us-east-2");
            NormalizedEvent interruption = NormalizedEvent.newBuilder(warning)
                    .setKind(EventFields.INTERRUPTION_KIND)
                    .setKeys(CorrelationKeys.newBuilder().setJobId("J").build())
                    .build();
            harness.processElement(interruption, interruption.getEventTime().toEpochMilli());
            harness.processWatermark(interruption.getEventTime().toEpochMilli());
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Finding> harness(int threshold)
            throws Exception {
        SpotChurn.Detector detector = new SpotChurn.Detector(threshold, WINDOW);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new ResumingOperator(new MatchRuns(detector),
                        new AvroTypeInfo<>(NormalizedEvent.class).createSerializer(new SerializerConfigImpl())),
                detector::key, Types.STRING);
    }
}
