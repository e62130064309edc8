package dev.braid.connectors;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Wraps each Kafka record as a {@link RawRecord} without interpreting its value: parsing happens
 * downstream, where a failure can be routed to the dead-letter topic instead of failing the source.
 * An input of one format (the Collector's topics) names it in the {@code braid.format} header.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    private static final long serialVersionUID = 1L;

    static final String FORMAT_HEADER = "braid.format";

    private final RawInput input;

    public RawRecordDeserializer(RawInput input) {
        this.input = input;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        out.collect(
                new RawRecord(
                        input.family(),
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.timestamp(),
                        record.key(),
                        record.value(),
                        headersOf(record)));
    }

    private Map<String, String> headersOf(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            if (header.value() != null) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        if (input.format() != null) {
            headers.put(FORMAT_HEADER, input.format());
        }
        return headers;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
