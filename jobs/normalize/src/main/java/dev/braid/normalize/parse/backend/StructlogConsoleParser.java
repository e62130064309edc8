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
 * Python structlog's ConsoleRenderer without colours:
 * {@code 2024-01-02T10:00:00.000000Z [info     ] event text   [logger] key=value key2=value2}.
 * The event is padded to a column; string values are written raw, so a value runs to the next key.
 */
public final class StructlogConsoleParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    /** Groups: optional timestamp, level, the rest. */
    private static final Pattern HEADER = Pattern.compile(
            "^(?:(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?) )?"
                    + "\\[([a-z]+)\\s*\\] (.*)$");

    private static final Pattern KEY = Pattern.compile("\\s([A-Za-z_][\\w.-]*)=");
    private static final Pattern LOGGER_COLUMN = Pattern.compile("\\s+\\[([^\\]\\s]+)\\]$");

    @Override
    public String format() {
        return "structlog";
    }

    @Override
    public boolean accepts(ParseInput input) {
        Matcher m = HEADER.matcher(LogRecords.lines(input.text()).first());
        return m.matches() && Levels.parse(m.group(2)) != null;
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        LogRecords.Lines lines = LogRecords.lines(input.text());
        Matcher header = HEADER.matcher(lines.first());
        Level level = header.matches() ? Levels.parse(header.group(2)) : null;
        if (level == null) {
            throw ParseException.unparseable("structlog console record's first line is not "
                    + "'timestamp [level] event key=value ...' with a known level: " + LogRecords.excerpt(input.text()));
        }
        String rest = " " + header.group(3);
        Matcher key = KEY.matcher(rest);
        boolean hasPairs = key.find();
        String event = (hasPairs ? rest.substring(0, key.start()) : rest).trim();
        String logger = null;
        Matcher loggerColumn = LOGGER_COLUMN.matcher(event);
        if (loggerColumn.find()) {
            logger = loggerColumn.group(1);
            event = event.substring(0, loggerColumn.start());
        }
        LogRecords.Body body = LogRecords.body(event, lines.rest());
        NormalizedEvent.Builder draft = LogRecords.draft(format(), level, body.message(), logger, null, body.stackTrace());
        if (header.group(1) != null) {
            Drafts.time(draft, Timestamps.parse(header.group(1)));
        }
        while (hasPairs) {
            String name = key.group(1);
            int valueStart = key.end();
            hasPairs = key.find();
            String value = unquote(rest.substring(valueStart, hasPairs ? key.start() : rest.length()).trim());
            if (name.equals("service")) {
                draft.getKeysBuilder().setService(value);
            } else {
                Drafts.meta(draft, name, value);
            }
        }
        TraceIds.apply(TraceIds.fromText(lines.first()), draft);
        return List.of(draft);
    }

    /** Non-string values are written with repr, so strings inside containers or set explicitly carry quotes. */
    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            if ((first == '\'' || first == '"') && value.charAt(value.length() - 1) == first) {
                return value.substring(1, value.length() - 1);
            }
        }
        return value;
    }
}
