package dev.braid.testing;

import dev.braid.connectors.BraidKafka;
import dev.braid.connectors.RawInput;
import dev.braid.connectors.RawRecord;
import dev.braid.connectors.RawRecordDeserializer;
import dev.braid.connectors.Topics;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
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

    /** Raw records of one input, as the normalize job reads them. */
    public static KafkaSource<RawRecord> raw(String bootstrapServers, String topic, RawInput input) {
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder().setBootstrapServers(bootstrapServers);
        BraidKafka.subscribe(builder, topic, input);
        return builder
                .setGroupId("test-" + topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new RawRecordDeserializer(input))
                .build();
    }

    /** One bounded raw source per input, on the topics the registry names. */
    public static Map<RawInput, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> raw(
            String bootstrapServers, Topics topics) {
        Map<RawInput, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> sources = new EnumMap<>(RawInput.class);
        for (RawInput input : RawInput.values()) {
            sources.put(input, raw(bootstrapServers, topics.input(input), input));
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
