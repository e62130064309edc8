package dev.braid.detect.rules;

/** A rule file that cannot be used; the message names the file, the field and what is allowed. */
public final class RuleFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public RuleFileException(String message) {
        super(message);
    }

    public RuleFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
