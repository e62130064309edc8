package dev.braid.normalize.parse.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.Timestamps;

import java.util.List;

/**
 * Typed reads of one agent event's fields. Every violation names the event (its position and type),
 * the field and the offending value, because it is read by the person who wrote the emitter.
 */
final class Fields {

    private static final long EPOCH_MILLIS_FLOOR = 100_000_000_000L;

    private final JsonNode event;
    private final String where;

    Fields(JsonNode event, String where) {
        this.event = event;
        this.where = where;
    }

    ParseException violation(String problem) {
        return ParseException.schemaViolation(where + ": " + problem);
    }

    /** A string field, or null when absent; a present non-string or blank value is a violation. */
    String text(String field) throws ParseException {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw violation("field '" + field + "' must be a non-empty string, got " + value);
        }
        return value.asText();
    }

    String requiredText(String field) throws ParseException {
        String value = text(field);
        if (value == null) {
            throw violation("missing required field '" + field + "'");
        }
        return value;
    }

    /** A required string that must be one of the allowed values. */
    String oneOf(String field, List<String> allowed) throws ParseException {
        String value = requiredText(field);
        if (!allowed.contains(value)) {
            throw violation("field '" + field + "' must be one of " + allowed + ", got '" + value + "'");
        }
        return value;
    }

    /** An integer field of at least {@code min}, or null when absent. */
    Long integer(String field, long min) throws ParseException {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min) {
            throw violation("field '" + field + "' must be an integer "
                    + (min == 0 ? "that is not negative" : ">= " + min) + ", got " + value);
        }
        return value.asLong();
    }

    Long requiredInteger(String field, long min) throws ParseException {
        Long value = integer(field, min);
        if (value == null) {
            throw violation("missing required field '" + field + "'");
        }
        return value;
    }

    /** A non-negative number, or null when absent. */
    Double amount(String field) throws ParseException {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < 0 || !Double.isFinite(value.asDouble())) {
            throw violation("field '" + field + "' must be a non-negative number, got " + value);
        }
        return value.asDouble();
    }

    /** The required time: ISO-8601 text, or epoch milliseconds as an integer. */
    long time(String field) throws ParseException {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            throw violation("missing required field '" + field + "'");
        }
        if (value.isIntegralNumber()) {
            // Before 1973 in millis means the emitter sent seconds; guessing would hide its bug.
            if (value.asLong() < EPOCH_MILLIS_FLOOR) {
                throw violation("field '" + field + "' must be epoch milliseconds, got " + value
                        + " (epoch seconds?)");
            }
            return value.asLong();
        }
        long millis = value.isTextual() ? Timestamps.parse(value.asText()) : Drafts.NO_TIME;
        if (millis == Drafts.NO_TIME) {
            throw violation("field '" + field + "' must be an ISO-8601 time or epoch milliseconds, got " + value);
        }
        return millis;
    }
}
