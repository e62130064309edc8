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

    public DeadLetterReason reason() {
        return reason;
    }
}
