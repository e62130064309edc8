package dev.braid.testing;

import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Decodes the plain Avro binary values Braid writes, as a data consumer with the schema jar would. */
public final class AvroRecords {

    private AvroRecords() {}

    public static <T extends SpecificRecord> T decode(byte[] value, Class<T> type) {
        try {
            return new SpecificDatumReader<>(type).read(null, DecoderFactory.get().binaryDecoder(value, null));
        } catch (IOException e) {
            throw new UncheckedIOException("not a " + type.getSimpleName(), e);
        }
    }

    public static <T extends SpecificRecord> List<T> decodeAll(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        return records.stream().map(record -> decode(record.value(), type)).toList();
    }
}
