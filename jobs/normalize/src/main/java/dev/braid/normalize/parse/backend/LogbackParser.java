package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Levels;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.normalize.parse.TraceIds;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Logback's (and log4j2's) text patterns as people configure them: the message after
 * {@code logger - }, with the thread before the level ({@code %d [%thread] %-5level %logger - %msg},
 * logback's default with {@code HH:mm:ss.SSS}) or after it ({@code %d %-5level [%thread] %logger -
 * %msg}); the date as logback's default {@code yyyy-MM-dd HH:mm:ss,SSS}, ISO-8601 with {@code T},
 * or a time of day alone, each with or without a zone. And Spring Boot's
 * {@code yyyy-MM-dd HH:mm:ss.SSS  LEVEL PID --- [thread] logger : msg}, which Spring Boot 3 writes
 * with an ISO offset, an optional {@code [application]} and an optional {@code [traceId-spanId]}.
 * Lines after the first are the exception logback prints below the message.
 */
public final class LogbackParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String LEVEL = "(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)";
    private static final String DATE_TIME =
            "\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}[.,]\\d{3}(?: ?(?:Z|[+-]\\d{2}:?\\d{2}))?";
    private static final String TIME = "(" + DATE_TIME + "|\\d{2}:\\d{2}:\\d{2}[.,]\\d{3})";

    private static final Pattern THREAD_FIRST = Pattern.compile(
            "^" + TIME + " \\[([^\\]]*)\\] " + LEVEL + "\\s+(\\S+) - (.*)$");
    private static final Pattern LEVEL_FIRST = Pattern.compile(
            "^" + TIME + "\\s+" + LEVEL + "\\s+\\[([^\\]]*)\\] (\\S+) - (.*)$");

    private static final Pattern SPRING_BOOT = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}[.,]\\d{3}(?:Z|[+-]\\d{2}:?\\d{2})?)\\s+" + LEVEL
                    + " (\\d+) --- "
                    + "(?:\\[([^\\]]*)\\] )?" // application name, Spring Boot 3.2+
                    + "\\[\\s*((?![0-9a-f]{32}-)[^\\]]*)\\] " // thread, never the correlation id
                    + "(?:\\[([0-9a-f]{32})?-([0-9a-f]{16})?\\] )?" // correlation id, with Micrometer tracing
                    + "(\\S+)\\s+: ?(.*)$");

    @Override
    public String format() {
        return "logback";
    }

    @Override
    public boolean accepts(ParseInput input) {
        String first = LogRecords.lines(input.text()).first();
        return SPRING_BOOT.matcher(first).matches() || THREAD_FIRST.matcher(first).matches()
                || LEVEL_FIRST.matcher(first).matches();
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        LogRecords.Lines lines = LogRecords.lines(input.text());
        Matcher spring = SPRING_BOOT.matcher(lines.first());
        if (spring.matches()) {
            NormalizedEvent.Builder draft = draft(lines, spring.group(2), spring.group(8), spring.group(5), spring.group(9));
            Drafts.time(draft, Timestamps.parse(spring.group(1)));
            Drafts.meta(draft, "pid", spring.group(3));
            String application = spring.group(4) == null ? null : spring.group(4).trim();
            if (application != null && !application.isEmpty()) {
                draft.getKeysBuilder().setService(application);
            }
            if (spring.group(6) != null) {
                TraceIds.apply(new TraceIds.Ids(spring.group(6), spring.group(7)), draft);
            }
            TraceIds.apply(TraceIds.fromText(spring.group(9)), draft);
            return List.of(draft);
        }
        Matcher threadFirst = THREAD_FIRST.matcher(lines.first());
        if (threadFirst.matches()) {
            return List.of(classic(lines, input, threadFirst.group(1), threadFirst.group(3), threadFirst.group(2),
                    threadFirst.group(4), threadFirst.group(5)));
        }
        Matcher levelFirst = LEVEL_FIRST.matcher(lines.first());
        if (levelFirst.matches()) {
            return List.of(classic(lines, input, levelFirst.group(1), levelFirst.group(2), levelFirst.group(3),
                    levelFirst.group(4), levelFirst.group(5)));
        }
        throw ParseException.unparseable("logback record's first line matches none of the patterns"
                + " 'date [thread] LEVEL logger - msg', 'date LEVEL [thread] logger - msg' and Spring Boot's"
                + " 'date  LEVEL PID --- [thread] logger : msg': " + LogRecords.excerpt(input.text()));
    }

    private NormalizedEvent.Builder classic(LogRecords.Lines lines, ParseInput input, String time, String level,
            String thread, String logger, String message) {
        NormalizedEvent.Builder draft = draft(lines, level, logger, thread, message);
        Drafts.time(draft, time.length() > 12
                ? Timestamps.parse(time)
                : Timestamps.timeOfDay(time.replace(',', '.'), input.kafkaTimestamp()));
        TraceIds.apply(TraceIds.fromText(message), draft);
        return draft;
    }

    private NormalizedEvent.Builder draft(LogRecords.Lines lines, String level, String logger, String thread, String message) {
        LogRecords.Body body = LogRecords.body(message, lines.rest());
        Level parsed = Levels.parse(level);
        return LogRecords.draft(format(), parsed, body.message(), logger, thread.trim(), body.stackTrace());
    }
}
