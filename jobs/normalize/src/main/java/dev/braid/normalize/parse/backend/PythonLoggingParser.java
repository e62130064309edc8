package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Levels;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.normalize.parse.TraceIds;
import dev.braid.schema.NormalizedEvent;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code logging}: the basicConfig default {@code LEVEL:name:message}, and the usual
 * {@code %(asctime)s %(levelname)s %(name)s %(message)s} and
 * {@code %(asctime)s - %(name)s - %(levelname)s - %(message)s}. A traceback follows the line when
 * the call logged an exception.
 */
public final class PythonLoggingParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String LEVEL = "(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)";
    private static final String ASCTIME = "(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3})";

    /** Groups: level, logger, message. */
    private static final Pattern DEFAULT = Pattern.compile("^" + LEVEL + ":([^\\s:][^:]*):(.*)$");
    /** Groups: time, level, logger, message. */
    private static final Pattern ASCTIME_LEVEL_NAME = Pattern.compile("^" + ASCTIME + " " + LEVEL + " (\\S+)(?: (.*))?$");
    /** Groups: time, logger, level, message. */
    private static final Pattern ASCTIME_DASHED = Pattern.compile("^" + ASCTIME + " - (\\S+) - " + LEVEL + " - (.*)$");

    @Override
    public String format() {
        return "python-logging";
    }

    @Override
    public boolean accepts(ParseInput input) {
        String first = LogRecords.lines(input.text()).first();
        return DEFAULT.matcher(first).matches()
                || ASCTIME_LEVEL_NAME.matcher(first).matches()
                || ASCTIME_DASHED.matcher(first).matches();
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        LogRecords.Lines lines = LogRecords.lines(input.text());
        Matcher m;
        if ((m = DEFAULT.matcher(lines.first())).matches()) {
            return List.of(draft(lines, null, m.group(1), m.group(2), m.group(3)));
        }
        if ((m = ASCTIME_LEVEL_NAME.matcher(lines.first())).matches()) {
            return List.of(draft(lines, m.group(1), m.group(2), m.group(3), m.group(4)));
        }
        if ((m = ASCTIME_DASHED.matcher(lines.first())).matches()) {
            return List.of(draft(lines, m.group(1), m.group(3), m.group(2), m.group(4)));
        }
        throw ParseException.unparseable("python-logging record's first line matches none of "
                + "'LEVEL:name:message', 'asctime LEVEL name message' and 'asctime - name - LEVEL - message': "
                + LogRecords.excerpt(input.text()));
    }

    private NormalizedEvent.Builder draft(LogRecords.Lines lines, String time, String level, String logger, String message) {
        LogRecords.Body body = LogRecords.body(message == null ? "" : message, lines.rest());
        NormalizedEvent.Builder draft = LogRecords.draft(
                format(), Levels.parse(level), body.message(), logger, null, body.stackTrace());
        if (time != null) {
            // asctime is the process's local time; without a zone in the text, UTC is the best reading.
            Drafts.time(draft, Timestamps.parse(time));
        }
        TraceIds.apply(TraceIds.fromText(lines.first()), draft);
        return draft;
    }
}
