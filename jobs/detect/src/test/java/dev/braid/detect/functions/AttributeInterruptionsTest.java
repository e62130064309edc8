package dev.braid.detect.functions;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.runnerLaunched;
import static dev.braid.testing.Events.spotWarning;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.schema.CiInstance;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.Events;
import dev.braid.testing.MeteredHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.junit.jupiter.api.Test;

import java.util.Map;

/** One interruption per instance, attributed to its job; the second report of it is counted, not counted again. */
class AttributeInterruptionsTest {

    private static final long MIN = 60_000;

    @Test
    void theRunnersTerminationAfterAwssWarningIsCountedAsADuplicateAndNotReportedAgain() throws Exception {
        try (var metered = new MeteredHarness<String, NormalizedEvent, NormalizedEvent>(
                new AttributeInterruptions(), AttributeInterruptions::instanceId, Types.STRING)) {
            send(metered, runnerLaunched("launch", 0, "i-1", "J", "us-east-2"), spotWarning("warning", 10 * MIN, "i-1", "us-east-2"));
            metered.harness().processWatermark(T0 + 10 * MIN);
            send(metered, terminated("terminated", 12 * MIN, "i-1"));
            metered.harness().processWatermark(T0 + 12 * MIN);

            assertThat(metered.harness().extractOutputValues()).singleElement().satisfies(interruption -> {
                assertThat(interruption.getId()).isEqualTo("warning");
                assertThat(interruption.getKeys().getJobId()).isEqualTo("J");
            });
            assertThat(metered.count(AttributeInterruptions.DUPLICATE_INTERRUPTIONS)).isEqualTo(1);
        }
    }

    @Test
    void anInterruptionWaitingForTheWatermarkOutlivesAWeekendLull() throws Exception {
        try (var metered = new MeteredHarness<String, NormalizedEvent, NormalizedEvent>(
                new AttributeInterruptions(), AttributeInterruptions::instanceId, Types.STRING)) {
            send(metered, runnerLaunched("launch", 0, "i-1", "J", "us-east-2"), spotWarning("warning", 10 * MIN, "i-1", "us-east-2"));
            metered.harness().processWatermark(T0 + 9 * MIN); // then every source goes idle

            metered.wallClock(3 * 24 * 60 * MIN);
            metered.harness().processWatermark(T0 + 10 * MIN); // traffic resumes

            assertThat(metered.harness().extractOutputValues()).singleElement().satisfies(interruption ->
                    assertThat(interruption.getKeys().getJobId()).isEqualTo("J"));
        }
    }

    /**
     * Its input goes idle when every source does; it stays active, so that a rule joining its
     * interruptions with the source's events keeps waiting for its watermark when the source wakes.
     */
    @Test
    void itNeverPassesOnThatItsInputWentIdle() throws Exception {
        try (var metered = new MeteredHarness<String, NormalizedEvent, NormalizedEvent>(
                AttributeInterruptions.operator(), AttributeInterruptions::instanceId, Types.STRING)) {
            metered.harness().processWatermark(T0);
            metered.harness().processWatermarkStatus(WatermarkStatus.IDLE);
            metered.harness().processWatermarkStatus(WatermarkStatus.ACTIVE);

            assertThat(metered.harness().getOutput()).noneMatch(element -> element instanceof WatermarkStatus status && status.isIdle());
        }
    }

    private static NormalizedEvent terminated(String id, long offsetMillis, String instance) {
        return Events.event(id, offsetMillis, Source.CI, "ci.instance", Level.INFO, "runner terminated: spot " + instance)
                .setMetadata(Map.of("reason", "spot-interruption"))
                .setPayload(CiInstance.newBuilder().setInstanceId(instance).setEvent("terminated").setLifecycle("spot")
                        .setRegion("us-east-2").build())
                .build();
    }

    private static void send(MeteredHarness<String, NormalizedEvent, NormalizedEvent> metered, NormalizedEvent... events)
            throws Exception {
        for (NormalizedEvent event : events) {
            metered.harness().processElement(event, event.getEventTime().toEpochMilli());
        }
    }
}
