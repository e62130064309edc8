package dev.braid.normalize.functions;

import dev.braid.connectors.RawRecord;
import dev.braid.schema.NormalizedEvent;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Settles each event's time against the Kafka timestamp of its raw record (when the shipper sent
 * it), so that no single producer's clock can move the pipeline's watermarks:
 * <ul>
 *   <li>An own time more than {@code maxAhead} after the shipper's is a skewed clock: it is clamped
 *       to the Kafka timestamp and the original kept in {@value #CLAMPED_FROM}.
 *   <li>A record with no time of its own (a JUnit report without timestamps, a go build-failure
 *       line, a CDP event with only a monotonic clock) takes the time of the records around it: the
 *       last own time seen on its topic partition, moved on by the Kafka time elapsed since, when
 *       that record was shipped within {@link #NEIGHBOUR_SPAN}; else the Kafka timestamp. So a line
 *       shipped amid last week's history lands in last week, not today.
 * </ul>
 * What it remembers is per parallel instance and not checkpointed: after a restart the first
 * record of a partition without a time falls back to its Kafka timestamp.
 */
final class EventClock implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Metadata: the event's own time, ISO-8601, when it was clamped. */
    static final String CLAMPED_FROM = "time.clamped-from";
    /** Metadata: where a record without a time of its own got one: {@code neighbour} or {@code kafka}. */
    static final String INFERRED_FROM = "time.inferred-from";

    /** How far apart in shipping time a neighbour may be to lend its time. */
    static final Duration NEIGHBOUR_SPAN = Duration.ofMinutes(1);

    /** The last record with an own time of one partition: its event time and Kafka timestamp. */
    private record Neighbour(long eventTime, long kafkaTime) {}

    private final long maxAhead;
    private transient Map<String, Neighbour> lastOwnTime;

    EventClock(Duration maxAhead) {
        this.maxAhead = maxAhead.toMillis();
    }

    /** Sets the event's time; {@code ownTime} says whether the parser found one in the record. */
    void settle(NormalizedEvent event, RawRecord raw, boolean ownTime) {
        if (lastOwnTime == null) {
            lastOwnTime = new HashMap<>();
        }
        String partition = raw.topic + '/' + raw.partition;
        if (!ownTime) {
            Neighbour neighbour = lastOwnTime.get(partition);
            boolean near = neighbour != null && Math.abs(raw.timestamp - neighbour.kafkaTime) <= NEIGHBOUR_SPAN.toMillis();
            long time = near ? Math.min(raw.timestamp, neighbour.eventTime + (raw.timestamp - neighbour.kafkaTime)) : raw.timestamp;
            event.setEventTime(Instant.ofEpochMilli(time));
            event.getMetadata().put(INFERRED_FROM, near ? "neighbour" : "kafka");
            return;
        }
        if (event.getEventTime().toEpochMilli() > raw.timestamp + maxAhead) {
            event.getMetadata().put(CLAMPED_FROM, event.getEventTime().toString());
            event.setEventTime(Instant.ofEpochMilli(raw.timestamp));
        }
        lastOwnTime.put(partition, new Neighbour(event.getEventTime().toEpochMilli(), raw.timestamp));
    }

    static boolean clamped(NormalizedEvent event) {
        return event.getMetadata().containsKey(CLAMPED_FROM);
    }
}
