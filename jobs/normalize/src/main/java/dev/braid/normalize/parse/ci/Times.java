package dev.braid.normalize.parse.ci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.Timestamps;

/** The required event time of the instance formats: ISO-8601 text, or epoch milliseconds as a number. */
final class Times {

    private static final long EPOCH_MILLIS_FLOOR = 100_000_000_000L;

    private Times() {}

    static long required(JsonNode node, String field, String format) throws ParseException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ParseException.schemaViolation(format + " record lacks required field '" + field + "'");
        }
        if (value.isIntegralNumber()) {
            // Before 1973 in millis means the writer sent seconds; guessing would hide its bug.
            if (value.asLong() < EPOCH_MILLIS_FLOOR) {
                throw ParseException.schemaViolation(format + " field '" + field
                        + "' must be epoch milliseconds, got " + value + " (epoch seconds?)");
            }
            return value.asLong();
        }
        long millis = value.isTextual() ? Timestamps.parse(value.asText()) : Drafts.NO_TIME;
        if (millis == Drafts.NO_TIME) {
            throw ParseException.schemaViolation(format + " field '" + field
                    + "' must be an ISO-8601 time or epoch milliseconds, got " + value);
        }
        return millis;
    }
}
