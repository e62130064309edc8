package dev.braid.connectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.AvroDeserializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.Properties;
import java.util.regex.Pattern;

/** Factories for the Kafka sources and sinks of every Braid job. */
public final class BraidKafka {

    /** How soon a job notices an optional input's topic once it is created. */
    private static final Duration OPTIONAL_TOPIC_DISCOVERY = Duration.ofMinutes(1);

    private BraidKafka() {}

    /**
     * A source of raw records from one topic, read_committed, starting at the group's committed
     * offsets (earliest for a new group). Offsets live in Flink's checkpoints; the commit to Kafka
     * is for monitoring only.
     */
    public static KafkaSource<RawRecord> rawSource(
            KafkaSettings kafka, String topic, RawInput input, String groupId) {
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder().setProperties(kafka.clientProperties());
        subscribe(builder, topic, input);
        if (input.optional()) {
            builder.setProperty("partition.discovery.interval.ms", String.valueOf(OPTIONAL_TOPIC_DISCOVERY.toMillis()));
        }
        return builder
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty("isolation.level", "read_committed")
                .setDeserializer(new RawRecordDeserializer(input))
                .build();
    }

    /**
     * Subscribes to an input's topic by name, so that a missing topic fails the start; an optional
     * input by a pattern that matches only its name, so that the job starts without the topic and
     * reads it once it is created, when partition discovery next looks (an unbounded source's).
     */
    public static void subscribe(KafkaSourceBuilder<?> builder, String topic, RawInput input) {
        if (input.optional()) {
            builder.setTopicPattern(Pattern.compile(Pattern.quote(topic)));
        } else {
            builder.setTopics(topic);
        }
    }

    /**
     * A source of Avro records another Braid job wrote, read_committed so only checkpointed output
     * is seen, starting at the group's committed offsets (earliest for a new group).
     */
    public static <T extends SpecificRecord> KafkaSource<T> avroSource(
            KafkaSettings kafka, String topic, Class<T> recordClass, String groupId) {
        return KafkaSource.<T>builder()
                .setProperties(kafka.clientProperties())
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty("isolation.level", "read_committed")
                .setValueOnlyDeserializer(AvroDeserializationSchema.forSpecific(recordClass))
                .build();
    }

    /**
     * An exactly-once sink of Avro records to one topic. Readers see its output when the checkpoint
     * that covers it completes. {@code transactionalIdPrefix} must be unique per sink and per job.
     */
    public static <T extends SpecificRecord> KafkaSink<T> exactlyOnceSink(
            KafkaSettings kafka,
            String topic,
            Class<T> recordClass,
            SerializableFunction<T, String> keyOf,
            SerializableFunction<T, Long> timestampOf,
            String transactionalIdPrefix) {
        Properties producer = kafka.clientProperties();
        producer.setProperty(
                "transaction.timeout.ms", Long.toString(kafka.transactionTimeout().toMillis()));
        return KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setRecordSerializer(new AvroRecordSerializer<>(topic, recordClass, keyOf, timestampOf))
                .build();
    }
}
