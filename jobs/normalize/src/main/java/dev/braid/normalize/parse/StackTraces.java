package dev.braid.normalize.parse;

import java.util.regex.Pattern;

/**
 * Recognises the lines of a multi-line stack trace (Java, Node, Python, Go) that belong to the log
 * line before them, so they can be merged into that event instead of becoming events of their own.
 */
public final class StackTraces {

    /** Kind of a draft that is only the continuation of an earlier log line of the same stream. */
    public static final String CONTINUATION_KIND = "log.continuation";

    /** How surely a line continues the previous one. */
    public enum Continuation {
        /** Starts an event of its own. */
        NONE,
        /** A stack frame or trace header: always belongs to the line before. */
        STRONG,
        /** An exception summary such as {@code ValueError: bad}: belongs to an open traceback only. */
        WEAK
    }

    private static final Pattern STRONG_LINE = Pattern.compile(
            "^(?:\\s+at\\s.*" // Java and Node frames
                    + "|\\s*\\.\\.\\. \\d+ (?:more|common frames omitted)" // Java elided frames
                    + "|(?:\\s*)Caused by: .*" // Java causes
                    + "|\\s*Suppressed: .*"
                    + "|Traceback \\(most recent call last\\):" // Python
                    + "|  File \".*\", line \\d+.*" // Python frames
                    + "|    \\S.*" // Python source lines under a frame, indented four
                    + "|During handling of the above exception, another exception occurred:"
                    + "|The above exception was the direct cause of the following exception:"
                    + "|goroutine \\d+ \\[.*\\]:" // Go panics
                    + "|\\t/.*\\.go:\\d+.*" // Go frames
                    + "|created by .*" // Go goroutine origin
                    // Go function lines: net/http.(*conn).serve(...). One quantifier before the "(": two
                    // overlapping ones cost the square of a long word's length.
                    + "|[\\w./*$-]+\\(.*\\)"
                    + "|\\s*\\^+\\s*" // Python 3.11 carets
                    + ")$");

    private static final Pattern WEAK_LINE =
            Pattern.compile("^(?:[A-Za-z_][\\w.]*)?(?:Error|Exception|Exit|Interrupt|Warning)(?::\\s.*)?$");

    private StackTraces() {}

    public static Continuation classify(String line) {
        if (line.isEmpty()) {
            return Continuation.NONE;
        }
        if (STRONG_LINE.matcher(line).matches()) {
            return Continuation.STRONG;
        }
        return WEAK_LINE.matcher(line).matches() ? Continuation.WEAK : Continuation.NONE;
    }

    /** True for text whose first line is a strong continuation, such as a lone stack frame. */
    public static boolean startsWithContinuation(String text) {
        int end = text.indexOf('\n');
        return classify(end < 0 ? text : text.substring(0, end)) == Continuation.STRONG;
    }
}
