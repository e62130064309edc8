package dev.braid.connectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.formats.avro.AvroSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Writes a SpecificRecord as plain Avro binary (no registry framing) to one topic, with a string
 * key and the record's own event time as the Kafka timestamp.
 */
public final class AvroRecordSerializer<T extends SpecificRecord>
        implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

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
                timestampOf.apply(element),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                valueSchema.serialize(element));
    }
}
