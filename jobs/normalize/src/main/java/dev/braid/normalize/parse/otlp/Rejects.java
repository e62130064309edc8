package dev.braid.normalize.parse.otlp;

import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.DeadLetterReason;

/**
 * The items of one export that are invalid on their own (a span id of the wrong length, say) while
 * the others are fine: the Collector batches many services' telemetry into one record, and one bad
 * sender must not hold back the rest. A failure of the whole record (its size) is not an item's.
 */
final class Rejects {

    private final String noun;
    private ParseException first;
    private int count;

    Rejects(String noun) {
        this.noun = noun;
    }

    /** Takes an item's failure; rethrows one that fails the whole record. */
    void add(ParseException failure) throws ParseException {
        if (failure.reason() != DeadLetterReason.SCHEMA_VIOLATION) {
            throw failure;
        }
        if (first == null) {
            first = failure;
        }
        count++;
    }

    boolean any() {
        return count > 0;
    }

    /**
     * What became of the record: nothing published, so its first failure (the record is kept
     * whole); or some published and the rest, re-encoded alone as {@code rejected}, a dead letter.
     */
    OtlpParsers.Rejected rejected(int published, byte[] rejected) throws ParseException {
        if (published == 0) {
            throw first;
        }
        return new OtlpParsers.Rejected(rejected, first.reason(), count + " of " + (count + published) + " " + noun
                + " rejected, kept here alone as OTLP protobuf (the other " + published + " were published); the first: "
                + first.getMessage());
    }
}
