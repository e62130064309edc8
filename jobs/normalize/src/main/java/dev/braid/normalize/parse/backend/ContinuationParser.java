package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.StackTraces;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.List;

/**
 * A record that opens with a stack frame or trace header: shippers that send one line per record
 * split a stack trace from its log line, so this is only the tail of an earlier event. The
 * pipeline merges it into the previous event of the same stream. A blank line is one too: inside a
 * multi-line record (a chained traceback) it is part of it, and alone it is layout, which the
 * pipeline drops and counts.
 */
public final class ContinuationParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    @Override
    public String format() {
        return "continuation";
    }

    @Override
    public boolean accepts(ParseInput input) {
        return input.text().isBlank() || StackTraces.startsWithContinuation(input.text());
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        if (!accepts(input)) {
            throw ParseException.unparseable("continuation record does not start with a stack frame or trace header: "
                    + LogRecords.excerpt(input.text()));
        }
        String text = input.text().isBlank() ? "" : LogRecords.withoutTrailingBreaks(input.text());
        // A stack frame is part of an error; the level only matters if the pipeline finds nothing to merge into.
        return List.of(continuation(text));
    }

    private static NormalizedEvent.Builder continuation(String text) {
        NormalizedEvent.Builder draft = LogRecords.draft("plain", Level.ERROR, text, null, null, text);
        draft.setKind(StackTraces.CONTINUATION_KIND);
        return draft;
    }
}
