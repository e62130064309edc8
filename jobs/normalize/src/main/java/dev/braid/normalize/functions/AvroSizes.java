package dev.braid.normalize.functions;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * An upper bound of a record's Avro binary size, from string lengths alone: far cheaper than
 * encoding it, so that only records that may be too large are encoded to measure them.
 */
final class AvroSizes {

    /** A varint length or long, a union index, an enum, a double: at most ten bytes each. */
    private static final int SCALAR = 10;

    private AvroSizes() {}

    static long atMost(SpecificRecord record) {
        long size = 0;
        for (Schema.Field field : record.getSchema().getFields()) {
            size += atMost(record.get(field.pos()));
        }
        return size + SCALAR;
    }

    private static long atMost(Object value) {
        if (value instanceof CharSequence text) {
            return 3L * text.length() + SCALAR; // UTF-8 takes at most three bytes per UTF-16 unit
        }
        if (value instanceof SpecificRecord nested) {
            return atMost(nested);
        }
        if (value instanceof Map<?, ?> map) {
            long size = 2 * SCALAR;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                size += atMost(entry.getKey()) + atMost(entry.getValue());
            }
            return size;
        }
        if (value instanceof List<?> list) {
            long size = 2 * SCALAR;
            for (Object item : list) {
                size += atMost(item);
            }
            return size;
        }
        if (value instanceof ByteBuffer bytes) {
            return bytes.remaining() + SCALAR;
        }
        return SCALAR;
    }
}
