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
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Go's {@code log/slog} TextHandler, {@code time=... level=INFO msg="..." k=v}, and logfmt in the
 * same shape (logrus's text formatter). Groups are written as dotted keys, which metadata keeps.
 */
public final class SlogTextParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final Pattern HEAD = Pattern.compile("^(?:time=(?:\"[^\"]*\"|\\S+) )?level=\\S+ msg=");

    @Override
    public String format() {
        return "slog-text";
    }

    @Override
    public boolean accepts(ParseInput input) {
        return HEAD.matcher(input.text()).find();
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        LogRecords.Lines lines = LogRecords.lines(input.text());
        Map<String, String> pairs = Logfmt.parse(lines.first(), format());
        String message = pairs.remove("msg");
        String level = pairs.remove("level");
        if (message == null || level == null) {
            throw ParseException.schemaViolation("slog-text record lacks " + (level == null ? "'level='" : "'msg='")
                    + ": " + LogRecords.excerpt(input.text()));
        }
        LogRecords.Body body = LogRecords.body(message, lines.rest());
        NormalizedEvent.Builder draft = LogRecords.draft(
                format(), Levels.parseOrInfer(level, message), body.message(), null, null, body.stackTrace());
        Drafts.time(draft, Timestamps.parse(pairs.remove("time")));
        String service = pairs.remove("service");
        if (service != null && !service.isEmpty()) {
            draft.getKeysBuilder().setService(service);
        }
        pairs.forEach((key, value) -> Drafts.meta(draft, key, value));
        TraceIds.apply(TraceIds.fromText(lines.first()), draft);
        return List.of(draft);
    }
}
