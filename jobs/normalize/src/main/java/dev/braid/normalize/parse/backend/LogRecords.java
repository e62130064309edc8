package dev.braid.normalize.parse.backend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.Levels;
import dev.braid.normalize.parse.StackTraces;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.schema.Level;
import dev.braid.schema.LogLine;
import dev.braid.schema.NormalizedEvent;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the backend formats share: the {@code log} draft with its {@link LogLine}, splitting a record
 * into its event line and what follows, levels read from free text, and JSON fields into metadata.
 */
final class LogRecords {

    static final String KIND = "log";

    private static final Pattern LINE_BREAK = Pattern.compile("\r?\n");
    private static final Pattern LEADING_BLANK_LINES = Pattern.compile("^(?:[ \\t]*\\r?\\n)+");

    /** A level word opening the message, as in {@code WARN disk full}, {@code error: x} or {@code [ERROR] x}. */
    private static final Pattern LEADING_LEVEL = Pattern.compile(
            "^\\W{0,2}(trace|debug|info|warn|warning|error|err|fatal|panic|critical|crit)\\b(?:\\W|$)",
            Pattern.CASE_INSENSITIVE);

    /** An exception summary such as {@code TypeError: x} or {@code java.lang.IllegalStateException: x}. */
    private static final Pattern EXCEPTION_SUMMARY =
            Pattern.compile("^[A-Za-z_$][\\w.$]*(?:Error|Exception)(?::\\s.*)?$");

    /** Fields {@link dev.braid.normalize.parse.TraceIds#fromJson} reads; kept out of metadata to avoid doubling them. */
    private static final Set<String> TRACE_FIELDS =
            Set.of("trace_id", "traceId", "trace.id", "traceID", "span_id", "spanId", "span.id", "traceparent");

    private static final String[] SERVICE_FIELDS = {"service", "service.name", "serviceName", "service_name"};

    private LogRecords() {}

    static NormalizedEvent.Builder draft(
            String format, Level level, String message, String logger, String thread, String stackTrace) {
        NormalizedEvent.Builder draft = Drafts.draft(KIND, level, message);
        draft.setPayload(LogLine.newBuilder()
                .setFormat(format)
                .setLogger(logger)
                .setThread(thread)
                .setStackTrace(stackTrace)
                .build());
        return draft;
    }

    static LogLine logLine(NormalizedEvent.Builder draft) {
        return (LogLine) draft.getPayload();
    }

    /** The record's first line and the rest (null for a single line), outer line breaks dropped. */
    record Lines(String first, String rest) {}

    static String withoutTrailingBreaks(String text) {
        int end = text.length();
        while (end > 0 && isBreak(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    private static String withoutLeadingBreaks(String text) {
        int start = 0;
        while (start < text.length() && isBreak(text.charAt(start))) {
            start++;
        }
        return text.substring(start);
    }

    private static boolean isBreak(char c) {
        return c == '\r' || c == '\n';
    }

    static Lines lines(String text) {
        String trimmed = withoutTrailingBreaks(withoutLeadingBreaks(text));
        Matcher m = LINE_BREAK.matcher(trimmed);
        if (!m.find()) {
            return new Lines(trimmed, null);
        }
        return new Lines(trimmed.substring(0, m.start()), trimmed.substring(m.end()));
    }

    /** The message and stack trace of an event whose first line carried {@code message}. */
    record Body(String message, String stackTrace) {}

    /**
     * Lines after the event line are its stack trace when any of them looks like one (a Java cause
     * can open with a plain-looking line); otherwise they are more of a multi-line message.
     */
    static Body body(String message, String rest) {
        if (rest == null) {
            return new Body(message, null);
        }
        boolean stack = LINE_BREAK.splitAsStream(rest)
                .anyMatch(line -> StackTraces.classify(line) != StackTraces.Continuation.NONE);
        // Blank lines between the message and its stack only set it off (Spring Boot's %wEx prints one).
        return stack ? new Body(message, LEADING_BLANK_LINES.matcher(rest).replaceFirst("")) : new Body(message + "\n" + rest, null);
    }

    /** A line followed by a stack trace is an error even when its format says nothing about level. */
    static Level atLeastErrorWithStack(Level level, String stackTrace) {
        return stackTrace != null && level.ordinal() < Level.ERROR.ordinal() ? Level.ERROR : level;
    }

    /** The level of a line whose format has no level field: a leading level word, an exception summary, else its words. */
    static Level levelOfText(String line) {
        Matcher leading = LEADING_LEVEL.matcher(line);
        if (leading.find()) {
            return Levels.parse(leading.group(1));
        }
        if (EXCEPTION_SUMMARY.matcher(line).matches()) {
            return Level.ERROR;
        }
        return Levels.infer(line);
    }

    /** The first of the fields that holds a scalar, as text, noting it as used; null when none does. */
    static String take(JsonNode node, Set<String> used, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && value.isValueNode() && !value.isNull()) {
                used.add(field);
                return value.asText();
            }
        }
        return null;
    }

    /** Epoch millis of a JSON time: a number of seconds or millis, or a timestamp string. */
    static long time(JsonNode value) {
        if (value == null || value.isNull()) {
            return Drafts.NO_TIME;
        }
        return value.isNumber() ? Timestamps.fromEpochNumber(value.asDouble()) : Timestamps.parse(value.asText());
    }

    /** Sets {@code keys.service} from a service field, plain or an ECS-style object with a name. */
    static void service(NormalizedEvent.Builder draft, JsonNode node, Set<String> used) {
        for (String field : SERVICE_FIELDS) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            String name = value.isObject() ? value.path("name").asText(null) : value.asText();
            if (name != null && !name.isBlank()) {
                draft.getKeysBuilder().setService(name);
                used.add(field);
                return;
            }
        }
    }

    /** Every field not yet used goes into metadata: scalars as text, objects and arrays as JSON text. */
    static void remaining(NormalizedEvent.Builder draft, JsonNode node, Set<String> used) {
        node.fields().forEachRemaining(field -> {
            if (!used.contains(field.getKey()) && !TRACE_FIELDS.contains(field.getKey())) {
                put(draft, field.getKey(), field.getValue());
            }
        });
    }

    static void put(NormalizedEvent.Builder draft, String key, JsonNode value) {
        if (!value.isNull()) {
            Drafts.meta(draft, key, value.isValueNode() ? value.asText() : value.toString());
        }
    }

    /** The start of a record, for error messages that must say what was seen. */
    static String excerpt(String text) {
        String line = lines(text).first();
        return line.length() > 120 ? "'" + line.substring(0, 120) + "...'" : "'" + line + "'";
    }
}
