package dev.braid.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkOutputMultiplexer;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * Two partitions of one source, their watermarks combined as a Flink source reader combines its
 * splits', through a stall of the broker longer than the idleness and the backlog after it.
 */
class EventTimeWatermarksTest {

    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    private static final Duration IDLENESS = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock();
    private final Combined combined = new Combined();
    private final WatermarkOutputMultiplexer splits = new WatermarkOutputMultiplexer(combined);
    private final Partition first = new Partition("0");
    private final Partition second = new Partition("1");

    @Test
    void aBacklogAfterAStallDoesNotCarryTheWatermarkPastTheOtherPartitionsBacklog() {
        long t = 1_000_000;
        everySecondUntil(t, first, second);
        clock.advanceTime(Duration.ofSeconds(40)); // the stall: no fetch answers
        emit();
        assertThat(combined.idle).as("every partition idle").isTrue();

        for (long backlog = t; backlog < t + 40_000; backlog += 100) {
            first.event(backlog); // the first partition's backlog comes in one fetch ...
        }
        emit();
        clock.advanceTime(Duration.ofSeconds(1));
        second.event(t); // ... and the second's a moment later

        assertThat(combined.watermark).as("the second partition's first record of the outage is on time").isLessThan(t);
    }

    @Test
    void aWokenPartitionCarriesTheWatermarkOnAfterTheGraceWhenTheOthersStayQuiet() {
        long t = 1_000_000;
        everySecondUntil(t, first, second);
        clock.advanceTime(Duration.ofSeconds(40));
        emit();

        first.event(t + 1_000);
        first.event(t + 40_000);
        emit();
        assertThat(combined.watermark).isLessThan(t + 1_000);
        clock.advanceTime(EventTimeWatermarks.WAKE_GRACE);
        emit();

        assertThat(combined.watermark).isEqualTo(t + 40_000 - OUT_OF_ORDERNESS.toMillis() - 1);
    }

    @Test
    void aQuietPartitionWakingWithAFreshRecordHoldsTheOthersNoFurtherBack() {
        long t = 1_000_000;
        everySecondUntil(t, first, second);
        for (long time = t + 1_000; time <= t + 40_000; time += 1_000) { // the second partition goes quiet
            first.event(time);
            clock.advanceTime(Duration.ofSeconds(1));
            emit();
        }

        second.event(t + 45_000); // its clock runs a little ahead of the first's
        first.event(t + 46_000);
        emit();

        assertThat(combined.watermark).as("held at the fresh record's watermark, not the one from before the lull")
                .isEqualTo(t + 45_000 - OUT_OF_ORDERNESS.toMillis() - 1);
    }

    @Test
    void activePartitionsAreNeitherHeldNorIdle() {
        everySecondUntil(1_000_000, first, second);

        assertThat(combined.idle).isFalse();
        assertThat(combined.watermark).isEqualTo(1_000_000 - OUT_OF_ORDERNESS.toMillis() - 1);
    }

    /** Ten seconds of records, one a second on each partition, ending at {@code end}. */
    private void everySecondUntil(long end, Partition... partitions) {
        for (long time = end - 10_000; time <= end; time += 1_000) {
            for (Partition partition : partitions) {
                partition.event(time);
            }
            clock.advanceTime(Duration.ofSeconds(1));
            emit();
        }
    }

    private void emit() {
        first.generator.onPeriodicEmit(first.output);
        second.generator.onPeriodicEmit(second.output);
        splits.onPeriodicEmit();
    }

    private final class Partition {
        final EventTimeWatermarks.Generator<Long> generator =
                new EventTimeWatermarks.Generator<>(OUT_OF_ORDERNESS, IDLENESS, EventTimeWatermarks.WAKE_GRACE, clock);
        final WatermarkOutput output;

        Partition(String id) {
            splits.registerNewOutput(id);
            output = splits.getDeferredOutput(id);
        }

        void event(long time) {
            generator.onEvent(time, time, output);
        }
    }

    /** What the source reader passes on: the smallest watermark of the partitions not idle. */
    private static final class Combined implements WatermarkOutput {
        long watermark = Long.MIN_VALUE;
        boolean idle;

        @Override
        public void emitWatermark(Watermark next) {
            watermark = next.getTimestamp();
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
