package dev.braid.detect.baseline;

import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The signature of an error message: its first line with what varies between occurrences of the
 * same error (numbers, ids, hashes, paths, URLs, addresses) replaced by placeholders, so that
 * "order 1234 not found" and "order 99 not found" count as one error.
 */
public final class ErrorSignatures {

    private static final int MAX_LENGTH = 300;

    /**
     * Applied in order: the specific shapes before the numbers they contain. Each pattern runs only
     * on a line that holds what every one of its matches needs, found by a scan far cheaper than
     * the pattern (the URL and e-mail patterns backtrack at every position of the line).
     */
    private static final Replacement[] REPLACEMENTS = {
            new Replacement("[a-zA-Z][a-zA-Z0-9+.-]*://\\S+", "<url>", line -> line.contains("://")),
            new Replacement("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+", "<email>", line -> line.indexOf('@') >= 0),
            new Replacement("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "<uuid>",
                    line -> line.length() >= 36 && line.indexOf('-') >= 0),
            new Replacement("\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?\\b", "<ip>", line -> line.indexOf('.') >= 0),
            new Replacement("(?<![\\w/])(/[\\w@.~-]+){2,}/?", "<path>", line -> line.indexOf('/') != line.lastIndexOf('/')),
            new Replacement("[A-Za-z]:\\\\[^\\s:]+", "<path>", line -> line.contains(":\\")),
            new Replacement("\\b0x[0-9a-fA-F]+\\b", "<hex>", line -> line.contains("0x")),
            new Replacement("\\b(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}\\b", "<hex>", line -> hasRun(line, 8, ErrorSignatures::isHex)),
            new Replacement("\\b(?=[A-Za-z0-9_-]*\\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}\\b", "<id>",
                    line -> hasRun(line, 16, ErrorSignatures::isIdChar)),
            new Replacement("-?\\b\\d+(\\.\\d+)?\\b", "<n>", line -> hasRun(line, 1, ErrorSignatures::isDigit)),
            new Replacement("\\s+", " ", ErrorSignatures::hasSpaceToCollapse),
    };

    private ErrorSignatures() {}

    public static String of(String message) {
        String line = firstLine(message);
        for (Replacement replacement : REPLACEMENTS) {
            if (replacement.mayMatch.test(line)) {
                line = replacement.pattern.matcher(line).replaceAll(replacement.with);
            }
        }
        line = line.strip();
        return line.length() > MAX_LENGTH ? line.substring(0, MAX_LENGTH) : line;
    }

    private static String firstLine(String message) {
        String text = message.strip();
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /** Whether the line has {@code length} characters of the class in a row. */
    private static boolean hasRun(String line, int length, IntPredicate member) {
        int run = 0;
        for (int i = 0; i < line.length(); i++) {
            run = member.test(line.charAt(i)) ? run + 1 : 0;
            if (run >= length) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code \s+} would change the line: a run of two or a white space other than ' '. */
    private static boolean hasSpaceToCollapse(String line) {
        boolean afterSpace = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean space = isSpace(c);
            if (space && (c != ' ' || afterSpace)) {
                return true;
            }
            afterSpace = space;
        }
        return false;
    }

    /** {@code \s} without UNICODE_CHARACTER_CLASS. */
    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isIdChar(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    }

    /** A pattern, its replacement, and a cheap test every line it can match passes. */
    private record Replacement(Pattern pattern, String with, Predicate<String> mayMatch) {
        Replacement(String regex, String with, Predicate<String> mayMatch) {
            this(Pattern.compile(regex), with, mayMatch);
        }
    }
}
