package dev.braid.normalize.parse.backend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.Levels;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.TraceIds;
import dev.braid.schema.NormalizedEvent;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Go's {@code log/slog} JSONHandler: always {@code time}, {@code level} and {@code msg} first, in
 * that order, then the attributes; groups become nested objects.
 */
public final class SlogJsonParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final Pattern HEAD = Pattern.compile("^\\s*\\{\"time\":\"[^\"]*\",\"level\":\"[^\"]*\",\"msg\":");

    @Override
    public String format() {
        return "slog-json";
    }

    @Override
    public boolean accepts(ParseInput input) {
        return HEAD.matcher(input.text()).find();
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode record = Json.object(input.text());
        Set<String> used = new HashSet<>(Set.of("time", "level", "msg"));
        String message = Json.required(record, "msg", "slog-json");
        NormalizedEvent.Builder draft = LogRecords.draft(format(),
                Levels.parseOrInfer(Json.required(record, "level", "slog-json"), message), message, null, null, null);
        Drafts.time(draft, LogRecords.time(record.get("time")));
        LogRecords.service(draft, record, used);
        LogRecords.remaining(draft, record, used);
        TraceIds.apply(TraceIds.fromJson(record), draft);
        return List.of(draft);
    }
}
