package dev.braid.detect.baseline;

import java.util.regex.Pattern;

/**
 * The signature of an error message: its first line with what varies between occurrences of the
 * same error (numbers, ids, hashes, paths, URLs, addresses) replaced by placeholders, so that
 * "order 1234 not found" and "order 99 not found" count as one error.
 */
public final class ErrorSignatures {

    private static final int MAX_LENGTH = 300;

    /** Applied in order: the specific shapes before the numbers they contain. */
    private static final Replacement[] REPLACEMENTS = {
            new Replacement("[a-zA-Z][a-zA-Z0-9+.-]*://\\S+", "<url>"),
            new Replacement("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+", "<email>"),
            new Replacement("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "<uuid>"),
            new Replacement("\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?\\b", "<ip>"),
            new Replacement("(?<![\\w/])(/[\\w@.~-]+){2,}/?", "<path>"),
            new Replacement("[A-Za-z]:\\\\[^\\s:]+", "<path>"),
            new Replacement("\\b0x[0-9a-fA-F]+\\b", "<hex>"),
            new Replacement("\\b(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}\\b", "<hex>"),
            new Replacement("\\b(?=[A-Za-z0-9_-]*\\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}\\b", "<id>"),
            new Replacement("-?\\b\\d+(\\.\\d+)?\\b", "<n>"),
            new Replacement("\\s+", " "),
    };

    private ErrorSignatures() {}

    public static String of(String message) {
        String line = firstLine(message);
        for (Replacement replacement : REPLACEMENTS) {
            line = replacement.pattern.matcher(line).replaceAll(replacement.with);
        }
        line = line.strip();
        return line.length() > MAX_LENGTH ? line.substring(0, MAX_LENGTH) : line;
    }

    private static String firstLine(String message) {
        String text = message.strip();
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private record Replacement(Pattern pattern, String with) {
        Replacement(String regex, String with) {
            this(Pattern.compile(regex), with);
        }
    }
}
