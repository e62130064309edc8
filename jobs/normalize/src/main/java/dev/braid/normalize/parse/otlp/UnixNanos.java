package dev.braid.normalize.parse.otlp;

import dev.braid.normalize.parse.Drafts;

/** OTLP's times: unsigned nanoseconds since the epoch, zero when unknown. */
final class UnixNanos {

    private static final long NANOS_PER_MILLI = 1_000_000L;

    private UnixNanos() {}

    /** Epoch millis, or {@link Drafts#NO_TIME} for an unknown time. */
    static long millis(long unixNano) {
        return unixNano == 0 ? Drafts.NO_TIME : Long.divideUnsigned(unixNano, NANOS_PER_MILLI);
    }

    /** Milliseconds from start to end; null unless both are known and in order. */
    static Double durationMs(long startUnixNano, long endUnixNano) {
        if (startUnixNano == 0 || endUnixNano == 0 || Long.compareUnsigned(endUnixNano, startUnixNano) < 0) {
            return null;
        }
        return (endUnixNano - startUnixNano) / (double) NANOS_PER_MILLI;
    }
}
