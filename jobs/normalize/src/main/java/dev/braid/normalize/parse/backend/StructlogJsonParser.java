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
 * Python structlog's JSONRenderer: the message is {@code event}; {@code level}, {@code timestamp}
 * and {@code logger} come from the standard processors, {@code exception} from format_exc_info.
 */
public final class StructlogJsonParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final Pattern EVENT = Pattern.compile("\"event\"\\s*:\\s*\"");
    private static final Pattern LEVEL_OR_TIMESTAMP = Pattern.compile("\"(?:level|timestamp)\"\\s*:");

    @Override
    public String format() {
        return "structlog-json";
    }

    @Override
    public boolean accepts(ParseInput input) {
        String text = input.text();
        return Json.looksLikeObject(text) && EVENT.matcher(text).find() && LEVEL_OR_TIMESTAMP.matcher(text).find();
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode record = Json.object(input.text());
        Set<String> used = new HashSet<>(Set.of("event", "timestamp"));
        String message = Json.required(record, "event", "structlog-json");
        // exception from format_exc_info, stack from StackInfoRenderer
        String stack = LogRecords.take(record, used, "exception", "stack");
        String levelName = LogRecords.take(record, used, "level");
        NormalizedEvent.Builder draft = LogRecords.draft(format(),
                LogRecords.atLeastErrorWithStack(Levels.parseOrInfer(levelName, message), levelName == null ? stack : null),
                message, LogRecords.take(record, used, "logger"), null, stack);
        Drafts.time(draft, LogRecords.time(record.get("timestamp")));
        LogRecords.service(draft, record, used);
        LogRecords.remaining(draft, record, used);
        TraceIds.apply(TraceIds.fromJson(record), draft);
        return List.of(draft);
    }
}
