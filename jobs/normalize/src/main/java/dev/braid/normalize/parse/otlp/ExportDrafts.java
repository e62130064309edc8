package dev.braid.normalize.parse.otlp;

import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.NormalizedEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The drafts of one export's items (spans or log records), and those invalid on their own (a span
 * id of the wrong length, say) set apart: the Collector batches many services' telemetry into one
 * record, and one bad sender must not hold back the rest. A failure of the whole record (its size)
 * is not an item's, and fails the record.
 */
final class ExportDrafts {

    /** Drafts one item; throws when the item is invalid. */
    @FunctionalInterface
    interface Drafter<T> {
        NormalizedEvent.Builder draft(T item) throws ParseException;
    }

    private final String noun;
    private final List<NormalizedEvent.Builder> drafts = new ArrayList<>();
    private ParseException first;
    private int rejected;

    /** @param noun the items, as a count names them: {@code spans}, {@code log records} */
    ExportDrafts(String noun) {
        this.noun = noun;
    }

    /** Drafts each item; one invalid on its own is handed to {@code setAside} instead. */
    <T> void draftEach(List<T> items, Drafter<T> drafter, Consumer<T> setAside) throws ParseException {
        for (T item : items) {
            try {
                drafts.add(drafter.draft(item));
            } catch (ParseException failure) {
                if (failure.reason() != DeadLetterReason.SCHEMA_VIOLATION) {
                    throw failure;
                }
                if (first == null) {
                    first = failure;
                }
                rejected++;
                setAside.accept(item);
            }
        }
    }

    /**
     * The drafts, and the items set aside as {@code setAside} encodes them; throws when the record
     * held no item ({@code holdsNone}), or none valid (its first item's failure: the record is kept
     * whole).
     */
    OtlpParsers.Parsed parsed(Supplier<byte[]> setAside, String holdsNone) throws ParseException {
        if (rejected == 0) {
            if (drafts.isEmpty()) {
                throw ParseException.schemaViolation(holdsNone);
            }
            return new OtlpParsers.Parsed(drafts, null);
        }
        if (drafts.isEmpty()) {
            throw first;
        }
        return new OtlpParsers.Parsed(drafts, new OtlpParsers.Rejected(setAside.get(), first.reason(), rejected + " of "
                + (rejected + drafts.size()) + " " + noun + " rejected, kept here alone as OTLP protobuf (the other "
                + drafts.size() + " were published); the first: " + first.getMessage()));
    }
}
