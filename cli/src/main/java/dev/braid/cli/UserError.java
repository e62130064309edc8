package dev.braid.cli;

/**
 * A failure the user can fix: its message is printed as one line, without a stack trace unless
 * {@code --verbose} is given.
 */
public final class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
