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
 * Uber zap's JSON encoder (Go): {@code level} as a name, {@code ts} in epoch seconds or ISO-8601,
 * {@code msg}, {@code caller}, {@code logger} for named loggers and {@code stacktrace} on errors.
 */
public final class ZapParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final Pattern NAMED_LEVEL = Pattern.compile("\"level\"\\s*:\\s*\"");
    private static final Pattern TS = Pattern.compile("\"ts\"\\s*:");

    @Override
    public String format() {
        return "zap";
    }

    @Override
    public boolean accepts(ParseInput input) {
        String text = input.text();
        return Json.looksLikeObject(text) && TS.matcher(text).find() && NAMED_LEVEL.matcher(text).find();
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode record = Json.object(input.text());
        Set<String> used = new HashSet<>(Set.of("level", "msg", "ts"));
        String message = Json.required(record, "msg", "zap");
        String stack = LogRecords.take(record, used, "stacktrace");
        NormalizedEvent.Builder draft = LogRecords.draft(format(),
                Levels.parseOrInfer(Json.required(record, "level", "zap"), message), message,
                LogRecords.take(record, used, "logger"), null, stack);
        Drafts.time(draft, LogRecords.time(record.get("ts")));
        LogRecords.service(draft, record, used);
        LogRecords.remaining(draft, record, used);
        TraceIds.apply(TraceIds.fromJson(record), draft);
        return List.of(draft);
    }
}
