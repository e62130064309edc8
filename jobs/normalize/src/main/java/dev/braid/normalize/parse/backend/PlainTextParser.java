package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.TraceIds;
import dev.braid.schema.NormalizedEvent;

import java.util.List;

/**
 * Any other text, Node's {@code console.log}/{@code console.error} output included: the first line
 * is the event, a stack trace below it is merged in. Without a time in a known place the event
 * keeps the Kafka timestamp.
 */
public final class PlainTextParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    @Override
    public String format() {
        return "plain";
    }

    @Override
    public boolean accepts(ParseInput input) {
        return !input.text().isBlank();
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        if (input.text().isBlank()) {
            throw ParseException.schemaViolation("plain log record is empty or only whitespace");
        }
        LogRecords.Lines lines = LogRecords.lines(input.text());
        LogRecords.Body body = LogRecords.body(lines.first(), lines.rest());
        NormalizedEvent.Builder draft = LogRecords.draft(format(),
                LogRecords.atLeastErrorWithStack(LogRecords.levelOfText(lines.first()), body.stackTrace()),
                body.message(), null, null, body.stackTrace());
        TraceIds.apply(TraceIds.fromText(lines.first()), draft);
        return List.of(draft);
    }
}
