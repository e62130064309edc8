package dev.braid.testing;

import dev.braid.connectors.RawRecord;
import dev.braid.connectors.RawRecordDeserializer;
import dev.braid.connectors.Topics;
import dev.braid.schema.Source;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.AvroDeserializationSchema;

import java.util.EnumMap;
import java.util.Map;

/**
 * Bounded Kafka sources: read a topic from its start to the end it had when the job started, then
 * finish, so a job over them ends by itself and its final checkpoint commits its output.
 */
public final class BoundedSources {

    private BoundedSources() {}

    /** Raw records of one source family, as the normalize job reads them. */
    public static KafkaSource<RawRecord> raw(String bootstrapServers, String topic, Source family) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId("test-" + topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new RawRecordDeserializer(family))
                .build();
    }

    /** One bounded raw source per source family, on the topics the registry names. */
    public static Map<Source, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> raw(
            String bootstrapServers, Topics topics) {
        Map<Source, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> sources = new EnumMap<>(Source.class);
        for (Source source : Source.values()) {
            sources.put(source, raw(bootstrapServers, topics.raw(source), source));
        }
        return sources;
    }

    /** Avro records another Braid job committed (read_committed). */
    public static <T extends SpecificRecord> KafkaSource<T> avro(String bootstrapServers, String topic, Class<T> type) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId("test-" + topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setProperty("isolation.level", "read_committed")
                .setValueOnlyDeserializer(AvroDeserializationSchema.forSpecific(type))
                .build();
    }
}
