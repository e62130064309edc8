package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.ParseException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads logfmt ({@code key=value key2="quoted \"value\""}) as Go's slog TextHandler and logrus write it. */
final class Logfmt {

    private static final Pattern HEX4 = Pattern.compile("[0-9a-fA-F]{4}");

    private Logfmt() {}

    /** The pairs of one line in order; a bare key gets an empty value. */
    static Map<String, String> parse(String line, String format) throws ParseException {
        Map<String, String> pairs = new LinkedHashMap<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i == n) {
                break;
            }
            int keyStart = i;
            while (i < n && line.charAt(i) != '=' && line.charAt(i) != ' ') {
                i++;
            }
            String key = line.substring(keyStart, i);
            if (i == n || line.charAt(i) == ' ') {
                pairs.put(key, "");
                continue;
            }
            i++;
            if (i < n && line.charAt(i) == '"') {
                StringBuilder value = new StringBuilder();
                i = quoted(line, i + 1, value, key, format);
                pairs.put(key, value.toString());
            } else {
                int valueStart = i;
                while (i < n && line.charAt(i) != ' ') {
                    i++;
                }
                pairs.put(key, line.substring(valueStart, i));
            }
        }
        return pairs;
    }

    /** Reads a Go-quoted string from just after its opening quote; returns the index after the closing one. */
    private static int quoted(String line, int start, StringBuilder value, String key, String format) throws ParseException {
        int i = start;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < line.length()) {
                char escaped = line.charAt(++i);
                switch (escaped) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case 'r' -> value.append('\r');
                    case 'u' -> {
                        String hex = i + 5 <= line.length() ? line.substring(i + 1, i + 5) : "";
                        if (!HEX4.matcher(hex).matches()) {
                            throw ParseException.unparseable(format + " value of key '" + key
                                    + "' has a broken \\u escape at column " + i);
                        }
                        value.append((char) Integer.parseInt(hex, 16));
                        i += 4;
                    }
                    default -> value.append(escaped);
                }
            } else {
                value.append(c);
            }
            i++;
        }
        throw ParseException.unparseable(format + " value of key '" + key + "' opens a quote at column " + start
                + " that is never closed");
    }
}
