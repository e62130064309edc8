package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
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
 * Go's standard {@code log}: {@code 2024/01/02 15:04:05 message}, with microseconds under
 * Lmicroseconds, a {@code file.go:12: } caller under Lshortfile or Llongfile, and the logger's
 * prefix before the date. The format has no level, so it is read from the message.
 */
public final class GoLogParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    /** Groups: prefix, time, caller, message. */
    /** The brackets and colon around a {@code log.SetPrefix} prefix: {@code [api]:}. */
    private static final Pattern PREFIX_DECORATION = Pattern.compile("^\\[|\\]?:?$");
    private static final Pattern LINE = Pattern.compile(
            "^(?:(\\S+) )?(\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{6})?) (?:(\\S+\\.go:\\d+): )?(.*)$");

    /** net/http and log.Panic report panics in the message; the goroutine dump follows. */
    private static final Pattern PANIC = Pattern.compile("\\bpanic(?:ked)?\\b");

    @Override
    public String format() {
        return "go-log";
    }

    @Override
    public boolean accepts(ParseInput input) {
        return LINE.matcher(LogRecords.lines(input.text()).first()).matches();
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        LogRecords.Lines lines = LogRecords.lines(input.text());
        Matcher m = LINE.matcher(lines.first());
        if (!m.matches()) {
            throw ParseException.unparseable("go-log record's first line does not start with "
                    + "'yyyy/MM/dd HH:mm:ss': " + LogRecords.excerpt(input.text()));
        }
        String message = m.group(4);
        LogRecords.Body body = LogRecords.body(message, lines.rest());
        Level level = LogRecords.levelOfText(message);
        if (PANIC.matcher(message).find() && level.ordinal() < Level.ERROR.ordinal()) {
            level = Level.ERROR;
        }
        String prefix = m.group(1) == null ? null : PREFIX_DECORATION.matcher(m.group(1)).replaceAll("");
        NormalizedEvent.Builder draft = LogRecords.draft(format(),
                LogRecords.atLeastErrorWithStack(level, body.stackTrace()), body.message(), prefix, null, body.stackTrace());
        Drafts.time(draft, Timestamps.parse(m.group(2)));
        Drafts.meta(draft, "caller", m.group(3));
        TraceIds.apply(TraceIds.fromText(message), draft);
        return List.of(draft);
    }
}
