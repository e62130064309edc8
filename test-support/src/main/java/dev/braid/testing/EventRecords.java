package dev.braid.testing;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.TopicSpec;
import dev.braid.connectors.Topics;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Normalized events as records of the events topic, keyed by id and timestamped when published, as
 * the normalize job writes them: the fixtures' event times are days old, and a Kafka timestamp that
 * old lets the broker's next retention check delete the records before a job reads them.
 */
public final class EventRecords {

    private EventRecords() {}

    /** All in partition 0, in the order given: the events arrive in that order, at known offsets. */
    public static List<ProducerRecord<byte[], byte[]>> inOnePartition(Topics topics, List<NormalizedEvent> events) {
        return events.stream().map(event -> record(topics.events(), 0, event)).toList();
    }

    /**
     * An unrelated event at {@code T0 + offsetMillis} in every partition of the events topic: each
     * split's watermark then passes everything before it, without waiting for idleness.
     */
    public static List<ProducerRecord<byte[], byte[]>> ticks(Topics topics, long offsetMillis) {
        int partitions = topics.all().stream().filter(spec -> spec.name().equals(topics.events()))
                .mapToInt(TopicSpec::partitions).findFirst().orElseThrow();
        List<ProducerRecord<byte[], byte[]>> ticks = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            NormalizedEvent tick = Events.event("tick-" + offsetMillis + "-" + partition, offsetMillis, Source.BACKEND, "log",
                    Level.INFO, "time passes").build();
            ticks.add(record(topics.events(), partition, tick));
        }
        return ticks;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, NormalizedEvent event) {
        return new ProducerRecord<>(topic, partition, (Long) null,
                event.getId().getBytes(StandardCharsets.UTF_8), AvroRecords.encode(event));
    }
}
