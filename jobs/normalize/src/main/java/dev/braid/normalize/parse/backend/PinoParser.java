package dev.braid.normalize.parse.backend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.TraceIds;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pino (Node): numeric {@code level} 10 to 60, {@code time} in epoch millis, {@code msg}; errors
 * serialized under {@code err}, pino-http requests and responses under {@code req} and {@code res}.
 */
public final class PinoParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final Pattern NUMERIC_LEVEL = Pattern.compile("\"level\"\\s*:\\s*\\d+\\s*[,}]");

    @Override
    public String format() {
        return "pino";
    }

    @Override
    public boolean accepts(ParseInput input) {
        String text = input.text();
        return Json.looksLikeObject(text) && text.contains("\"time\"") && NUMERIC_LEVEL.matcher(text).find();
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode record = Json.object(input.text());
        JsonNode levelNode = record.get("level");
        if (levelNode == null || !levelNode.canConvertToInt()) {
            throw ParseException.schemaViolation("pino record needs a numeric 'level' (10 to 60), found "
                    + (levelNode == null ? "none" : levelNode.toString()));
        }
        Set<String> used = new HashSet<>(Set.of("level", "time"));
        JsonNode err = record.path("err");
        String message = LogRecords.take(record, used, "msg");
        if (message == null) {
            // pino writes no msg when called with an object alone; an error still says what happened.
            message = err.path("message").isTextual() ? err.path("message").asText() : "";
        }
        NormalizedEvent.Builder draft = LogRecords.draft(format(), level(levelNode.asInt()), message,
                LogRecords.take(record, used, "name"), null, textOrNull(err.path("stack")));
        Drafts.time(draft, LogRecords.time(record.get("time")));
        flatten(draft, record, "err", "stack", used);
        flatten(draft, record, "req", null, used);
        flatten(draft, record, "res", null, used);
        LogRecords.service(draft, record, used);
        LogRecords.remaining(draft, record, used);
        TraceIds.apply(TraceIds.fromJson(record), draft);
        return List.of(draft);
    }

    /** Pino's levels are 10 apart; custom levels fall into the band below the next standard one. */
    private static Level level(int value) {
        if (value < 20) {
            return Level.TRACE;
        }
        if (value < 30) {
            return Level.DEBUG;
        }
        if (value < 40) {
            return Level.INFO;
        }
        if (value < 50) {
            return Level.WARN;
        }
        return value < 60 ? Level.ERROR : Level.FATAL;
    }

    /**
     * One level of a serialized object into dotted metadata keys ({@code req.method}), deeper objects
     * as JSON text; a field that is not an object is left to the remaining fields.
     */
    private static void flatten(NormalizedEvent.Builder draft, JsonNode record, String field, String skip, Set<String> used) {
        JsonNode object = record.path(field);
        if (!object.isObject()) {
            return;
        }
        used.add(field);
        object.fields().forEachRemaining(entry -> {
            if (!entry.getKey().equals(skip)) {
                LogRecords.put(draft, field + "." + entry.getKey(), entry.getValue());
            }
        });
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
