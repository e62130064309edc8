package dev.braid.normalize.parse;

import dev.braid.schema.DeadLetterReason;

/** A raw record that cannot become an event; its reason and message go to the dead-letter topic. */
public final class ParseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    private ParseException(DeadLetterReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public static ParseException unparseable(String message) {
        return new ParseException(DeadLetterReason.UNPARSEABLE, message, null);
    }

    public static ParseException unparseable(String message, Throwable cause) {
        return new ParseException(DeadLetterReason.UNPARSEABLE, message + ": " + cause.getMessage(), cause);
    }

    /** Well-formed, but a field the format requires is missing or has the wrong type. */
    public static ParseException schemaViolation(String message) {
        return new ParseException(DeadLetterReason.SCHEMA_VIOLATION, message, null);
    }

    public static ParseException unknownFormat(String message) {
        return new ParseException(DeadLetterReason.UNKNOWN_FORMAT, message, null);
    }

    public static ParseException emptyRecord() {
        return new ParseException(DeadLetterReason.EMPTY, "record has no value", null);
    }

    public static ParseException oversized(long size, long limit) {
        return new ParseException(DeadLetterReason.OVERSIZED,
                "record of " + size + " bytes exceeds braid.normalize.max-record-size of " + limit + " bytes", null);
    }

    public static ParseException eventTooLarge(String kind, long size, long limit) {
        return new ParseException(DeadLetterReason.OVERSIZED, "its " + kind + " event is " + size
                + " bytes, more than the " + limit + " a Kafka record may hold by default", null);
    }

    /** Small enough itself, but its events together would not be: each repeats much of what the record shares. */
    public static ParseException expandsTooMuch(String message) {
        return new ParseException(DeadLetterReason.OVERSIZED, message, null);
    }

    public static ParseException notUtf8(String detail) {
        return new ParseException(DeadLetterReason.NOT_UTF8, "record is not valid UTF-8: " + detail, null);
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
