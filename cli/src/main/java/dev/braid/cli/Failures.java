package dev.braid.cli;

/** Turns an exception chain into the one line a user reads. */
public final class Failures {

    private Failures() {}

    /** The user error in the chain if there is one, else the deepest message. */
    public static String oneLine(Throwable failure) {
        String message = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UserError) {
                return cause.getMessage();
            }
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
        }
        String line = message == null ? failure.toString() : message;
        int newline = line.indexOf('\n');
        return newline < 0 ? line : line.substring(0, newline);
    }
}
