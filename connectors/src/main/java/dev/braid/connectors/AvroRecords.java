package dev.braid.connectors;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Decodes the plain Avro binary values Braid writes, as a data consumer with the schema jar would. */
public final class AvroRecords {

    /**
     * One reader per record class: building one costs more than the read of a small record, and a
     * reader with its schema set is safe to share between threads (AVRO-3531).
     */
    private static final ClassValue<SpecificDatumReader<?>> READERS = new ClassValue<>() {
        @Override
        protected SpecificDatumReader<?> computeValue(Class<?> type) {
            return new SpecificDatumReader<>(type);
        }
    };

    private AvroRecords() {}

    public static <T extends SpecificRecord> T decode(byte[] value, Class<T> type) {
        try {
            return reader(type).read(null, DecoderFactory.get().binaryDecoder(value, null));
        } catch (IOException e) {
            throw new UncheckedIOException("not a " + type.getSimpleName(), e);
        }
    }

    /** Plain Avro binary, as Braid's sinks write it. */
    public static <T extends SpecificRecord> byte[] encode(T record) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<T>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> SpecificDatumReader<T> reader(Class<T> type) {
        return (SpecificDatumReader<T>) READERS.get(type);
    }

    public static <T extends SpecificRecord> List<T> decodeAll(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        return records.stream().map(record -> decode(record.value(), type)).toList();
    }
}
