package dev.braid.cli.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The first records of a scan in event-time order, after a position, held to a fixed number: one
 * pass over records in any order picks a page without holding the topic in memory. Ties in time
 * fall to partition and offset, so the order is total and a page resumes exactly after its last
 * record.
 */
final class TimelineOrder<T> {

    /** A record's place in the timeline. */
    record Position(Instant time, int partition, long offset) implements Comparable<Position> {

        private static final Comparator<Position> ORDER = Comparator.comparing(Position::time)
                .thenComparingInt(Position::partition).thenComparingLong(Position::offset);

        @Override
        public int compareTo(Position other) {
            return ORDER.compare(this, other);
        }
    }

    /** A page's continuation: the last position shown and the scan's ends, so later pages read the same records. */
    record Resume(Position after, Map<Integer, Long> ends) {

        String encode() {
            StringJoiner endOffsets = new StringJoiner(",");
            new TreeMap<>(ends).forEach((partition, end) -> endOffsets.add(partition + ":" + end));
            return after.time() + "|" + after.partition() + ":" + after.offset() + "|" + endOffsets;
        }

        static Resume decode(String text) {
            String[] parts = text.split("\\|", -1);
            String[] last = parts[1].split(":");
            Map<Integer, Long> ends = new TreeMap<>();
            for (String partition : parts[2].split(",")) {
                String[] end = partition.split(":");
                ends.put(Integer.parseInt(end[0]), Long.parseLong(end[1]));
            }
            return new Resume(new Position(Instant.parse(parts[0]), Integer.parseInt(last[0]), Long.parseLong(last[1])), ends);
        }
    }

    /** A record with its place. */
    record Entry<T>(Position position, T value) {}

    private final int capacity;
    private final Position after;
    private final PriorityQueue<Entry<T>> latestFirst;

    /** Keeps the first {@code capacity} records after {@code after} (null: from the start). */
    TimelineOrder(int capacity, Position after) {
        this.capacity = capacity;
        this.after = after;
        this.latestFirst = new PriorityQueue<>(capacity + 1, Comparator.<Entry<T>, Position>comparing(Entry::position).reversed());
    }

    void offer(Position position, T value) {
        if (after != null && position.compareTo(after) <= 0) {
            return;
        }
        if (latestFirst.size() == capacity && position.compareTo(latestFirst.peek().position()) > 0) {
            return;
        }
        latestFirst.add(new Entry<>(position, value));
        if (latestFirst.size() > capacity) {
            latestFirst.poll();
        }
    }

    /** The records kept, earliest first. */
    List<Entry<T>> inOrder() {
        List<Entry<T>> ordered = new ArrayList<>(latestFirst);
        ordered.sort(Comparator.comparing(Entry<T>::position));
        return ordered;
    }
}
