package dev.braid.testing;

import dev.braid.connectors.RawRecord;
import dev.braid.connectors.RawRecordDeserializer;
import dev.braid.schema.Source;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/** Bounded raw sources: read a topic from its start to the end it had when the job started, then finish. */
public final class RawSources {

    private RawSources() {}

    public static KafkaSource<RawRecord> bounded(String bootstrapServers, String topic, Source family) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId("test-" + topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new RawRecordDeserializer(family))
                .build();
    }
}
