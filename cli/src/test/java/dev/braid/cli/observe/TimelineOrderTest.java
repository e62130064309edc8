package dev.braid.cli.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cli.observe.TimelineOrder.Entry;
import dev.braid.cli.observe.TimelineOrder.Position;
import dev.braid.cli.observe.TimelineOrder.Resume;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

class TimelineOrderTest {

    private static final Instant T0 = Instant.parse("2026-11-21T16:57:05.487Z");

    @Test
    void keepsTheEarliestRecordsAfterThePositionWhateverOrderTheyCameIn() {
        List<Position> positions = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // Three partitions, each written out of time order; equal times are ordered by partition, then offset.
            positions.add(new Position(T0.plusMillis(i / 2), i % 3, i));
        }
        List<Position> sorted = new ArrayList<>(positions);
        Collections.sort(sorted);
        Collections.shuffle(positions, new Random(11));

        TimelineOrder<String> order = new TimelineOrder<>(10, sorted.get(99));
        positions.forEach(position -> order.offer(position, "r" + position.offset()));

        assertThat(order.inOrder()).extracting(Entry::position).containsExactlyElementsOf(sorted.subList(100, 110));
    }

    @Test
    void keepsFewerWhenFewerFollow() {
        TimelineOrder<String> order = new TimelineOrder<>(10, null);
        order.offer(new Position(T0.plusSeconds(1), 0, 7), "b");
        order.offer(new Position(T0, 2, 3), "a");

        assertThat(order.inOrder()).extracting(Entry::value).containsExactly("a", "b");
    }

    @Test
    void aResumeSurvivesItsTextWithNanosecondTimes() {
        Resume resume = new Resume(new Position(T0.plusNanos(123_456), 2, 41), Map.of(0, 10L, 1, 0L, 2, 42L));

        assertThat(Resume.decode(resume.encode())).isEqualTo(resume);
    }
}
