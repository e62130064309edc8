package dev.braid.normalize.parse.git;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.Timestamps;

import java.util.regex.Pattern;

/** Field rules both git formats share: shas, commit messages and commit times. */
final class Commits {

    /** SHA-1 or SHA-256 object names, as git writes them. */
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    /** The "no commit" sha GitHub puts in before/after when a ref is created or deleted. */
    private static final Pattern ZERO_SHA = Pattern.compile("0{40}|0{64}");

    private Commits() {}

    static String sha(String value, String field, String format) throws ParseException {
        if (value == null) {
            throw ParseException.schemaViolation(format + " record lacks required field '" + field + "'");
        }
        if (!SHA.matcher(value).matches()) {
            throw ParseException.schemaViolation(format + " field '" + field + "' must be a full commit sha"
                    + " (40 or 64 lower-case hex digits), got '" + value + "'");
        }
        return value;
    }

    static boolean isZero(String sha) {
        return sha != null && ZERO_SHA.matcher(sha).matches();
    }

    /** The subject line, which is what git log --oneline and every UI show. */
    static String subject(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    /** The lines after the subject, or null when the message has none. */
    static String body(String message) {
        if (message == null) {
            return null;
        }
        int end = message.indexOf('\n');
        String body = end < 0 ? "" : message.substring(end + 1).strip();
        return body.isEmpty() ? null : body;
    }

    /** A required ISO-8601 time; a present but unreadable time is a violation, not a silent fallback. */
    static long time(JsonNode node, String field, String format) throws ParseException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ParseException.schemaViolation(format + " record lacks required field '" + field + "'");
        }
        long millis = Timestamps.parse(value.asText());
        if (millis == Drafts.NO_TIME) {
            throw ParseException.schemaViolation(format + " field '" + field + "' is not an ISO-8601 time: '"
                    + value.asText() + "'");
        }
        return millis;
    }
}
