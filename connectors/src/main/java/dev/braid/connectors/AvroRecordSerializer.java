package dev.braid.connectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.formats.avro.AvroSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Writes a SpecificRecord as plain Avro binary (no registry framing) to one topic, with a string
 * key and the record's own time as the Kafka timestamp, kept within
 * {@code [publication - }{@link #RETENTION_FLOOR}{@code , publication]}: retention deletes a segment
 * by its newest timestamp, so history published today with last month's event time would be
 * deleted minutes after it was written, and brokers refuse timestamps far in the future
 * ({@code message.timestamp.after.max.ms}). Readers take the exact time from the record.
 */
public final class AvroRecordSerializer<T extends SpecificRecord>
        implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    /** How far behind its publication a record's Kafka timestamp may be: well inside every topic's retention. */
    public static final Duration RETENTION_FLOOR = Duration.ofDays(1);

    private final String topic;
    private final AvroSerializationSchema<T> valueSchema;
    private final SerializableFunction<T, String> keyOf;
    private final SerializableFunction<T, Long> timestampOf;

    public AvroRecordSerializer(
            String topic,
            Class<T> recordClass,
            SerializableFunction<T, String> keyOf,
            SerializableFunction<T, Long> timestampOf) {
        this.topic = topic;
        this.valueSchema = AvroSerializationSchema.forSpecific(recordClass);
        this.keyOf = keyOf;
        this.timestampOf = timestampOf;
    }

    @Override
    public void open(
            org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext context,
            KafkaSinkContext sinkContext)
            throws Exception {
        valueSchema.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String key = keyOf.apply(element);
        return new ProducerRecord<>(
                topic,
                null,
                kafkaTimestamp(timestampOf.apply(element), System.currentTimeMillis()),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                valueSchema.serialize(element));
    }

    /** The record's own time, unless that is in the future or older than the retention floor. */
    static long kafkaTimestamp(long recordTime, long publication) {
        return Math.min(publication, Math.max(recordTime, publication - RETENTION_FLOOR.toMillis()));
    }
}
