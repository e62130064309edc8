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
 * Logback's (and log4j2's) text patterns: the logback default
 * {@code HH:mm:ss.SSS [thread] LEVEL logger - msg}, optionally with a date, and Spring Boot's
 * {@code yyyy-MM-dd HH:mm:ss.SSS  LEVEL PID --- [thread] logger : msg}, which Spring Boot 3 writes
 * with an ISO offset, an optional {@code [application]} and an optional {@code [traceId-spanId]}.
 * Lines after the first are the exception logback prints below the message.
 */
public final class LogbackParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String LEVEL = "(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)";

    private static final Pattern CLASSIC = Pattern.compile(
            "^((?:\\d{4}-\\d{2}-\\d{2}[ T])?\\d{2}:\\d{2}:\\d{2}[.,]\\d{3}) \\[([^\\]]*)\\] " + LEVEL + "\\s+(\\S+) - (.*)$");

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
        return SPRING_BOOT.matcher(first).matches() || CLASSIC.matcher(first).matches();
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
        Matcher classic = CLASSIC.matcher(lines.first());
        if (!classic.matches()) {
            throw ParseException.unparseable("logback record's first line matches neither the logback default "
                    + "'HH:mm:ss.SSS [thread] LEVEL logger - msg' nor Spring Boot's "
                    + "'date time  LEVEL PID --- [thread] logger : msg' pattern: " + LogRecords.excerpt(input.text()));
        }
        NormalizedEvent.Builder draft = draft(lines, classic.group(3), classic.group(4), classic.group(2), classic.group(5));
        String time = classic.group(1).replace(',', '.');
        Drafts.time(draft, time.length() > 12
                ? Timestamps.parse(time)
                : Timestamps.timeOfDay(time, input.kafkaTimestamp()));
        TraceIds.apply(TraceIds.fromText(classic.group(5)), draft);
        return List.of(draft);
    }

    private NormalizedEvent.Builder draft(LogRecords.Lines lines, String level, String logger, String thread, String message) {
        LogRecords.Body body = LogRecords.body(message, lines.rest());
        Level parsed = Levels.parse(level);
        return LogRecords.draft(format(), parsed, body.message(), logger, thread.trim(), body.stackTrace());
    }
}
