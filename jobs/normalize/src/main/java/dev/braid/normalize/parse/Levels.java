package dev.braid.normalize.parse;

import dev.braid.schema.Level;

import java.util.Locale;
import java.util.regex.Pattern;

/** Maps every logging library's level names and numbers onto {@link Level}, or infers one from text. */
public final class Levels {

    private static final Pattern ERROR_WORDS =
            Pattern.compile("\\b(?:ERROR|ERR|SEVERE|CRITICAL|FATAL|PANIC|Exception|Traceback|Unhandled|Uncaught)\\b|\\bpanic:");
    private static final Pattern WARN_WORDS = Pattern.compile("\\b(?:WARN|WARNING|DEPRECATED|Deprecation)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern DEBUG_WORDS = Pattern.compile("\\b(?:DEBUG|TRACE)\\b");

    private Levels() {}

    /** A level name or number as logging libraries write it; null when not recognised. */
    public static Level parse(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        // slog writes offsets such as ERROR+2 or INFO-4: the base name decides.
        int offset = Math.max(n.indexOf('+'), n.indexOf('-', 1));
        if (offset > 0) {
            n = n.substring(0, offset);
        }
        switch (n) {
            case "trace": case "finest": case "finer": case "10":
                return Level.TRACE;
            case "debug": case "fine": case "config": case "dbg": case "20":
                return Level.DEBUG;
            case "info": case "information": case "notice": case "log": case "inf": case "30":
                return Level.INFO;
            case "warn": case "warning": case "wrn": case "40":
                return Level.WARN;
            case "error": case "err": case "severe": case "exception": case "50":
                return Level.ERROR;
            case "fatal": case "critical": case "crit": case "panic": case "dpanic": case "emerg": case "alert": case "60":
                return Level.FATAL;
            default:
                return null;
        }
    }

    /** The parsed level, or the one inferred from the text when the name is absent or unknown. */
    public static Level parseOrInfer(String name, String text) {
        Level level = parse(name);
        return level != null ? level : infer(text);
    }

    /** Infers a level from free text: error words, then warning words, else INFO. */
    public static Level infer(String text) {
        if (text == null) {
            return Level.INFO;
        }
        if (ERROR_WORDS.matcher(text).find()) {
            return Level.ERROR;
        }
        if (WARN_WORDS.matcher(text).find()) {
            return Level.WARN;
        }
        if (DEBUG_WORDS.matcher(text).find()) {
            return Level.DEBUG;
        }
        return Level.INFO;
    }

    /** Level of an HTTP status: 5xx error, 4xx warning, else info. */
    public static Level ofHttpStatus(int status) {
        return status >= 500 ? Level.ERROR : status >= 400 ? Level.WARN : Level.INFO;
    }
}
