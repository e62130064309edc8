package dev.braid.normalize.parse.otlp;

import com.google.protobuf.ByteString;
import dev.braid.normalize.parse.ParseException;

import java.util.HexFormat;

/**
 * Trace and span ids as Braid writes them, lower-case hex. OTLP requires a span's own ids; any
 * other id may be empty, and all zero means none (W3C Trace Context calls it invalid). An id of
 * another length is a broken record.
 */
final class OtlpIds {

    static final int TRACE_ID_BYTES = 16;
    static final int SPAN_ID_BYTES = 8;

    private OtlpIds() {}

    /** An id the record must have; {@code what} names it in the dead letter, as in {@code span 'GET /' trace id}. */
    static String required(ByteString id, int length, String what) throws ParseException {
        String hex = optional(id, length, what);
        if (hex == null) {
            throw ParseException.schemaViolation("OTLP " + what + " is " + (id.isEmpty() ? "missing" : "all zero"));
        }
        return hex;
    }

    /** An id the record may have; null when it has none. */
    static String optional(ByteString id, int length, String what) throws ParseException {
        if (id.isEmpty()) {
            return null;
        }
        if (id.size() != length) {
            throw ParseException.schemaViolation(
                    "OTLP " + what + " has " + id.size() + " bytes, not " + length + ": " + HexFormat.of().formatHex(id.toByteArray()));
        }
        return allZero(id) ? null : HexFormat.of().formatHex(id.toByteArray());
    }

    private static boolean allZero(ByteString id) {
        for (int i = 0; i < id.size(); i++) {
            if (id.byteAt(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
