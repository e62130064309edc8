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

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Any other JSON log line (logstash-logback-encoder, ECS, Winston, hand-rolled): an object with a
 * message-like field; level, time, logger, thread and stack read from their usual names.
 */
public final class JsonLogParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String[] MESSAGE_FIELDS = {"msg", "message", "event", "log"};

    @Override
    public String format() {
        return "json";
    }

    @Override
    public boolean accepts(ParseInput input) {
        return Json.looksLikeObject(input.text());
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode record = Json.object(input.text());
        Set<String> used = new HashSet<>();
        String message = LogRecords.take(record, used, MESSAGE_FIELDS);
        if (message == null) {
            throw ParseException.schemaViolation(
                    "JSON log record has none of the message fields " + String.join(", ", MESSAGE_FIELDS)
                            + " as a string or number; fields present: " + fieldNames(record));
        }
        String levelName = LogRecords.take(record, used, "level", "severity", "lvl", "log.level", "levelname");
        String stack = LogRecords.take(record, used, "stack_trace", "stacktrace", "stack", "exception");
        if (stack == null) {
            stack = errorStack(record);
        }
        NormalizedEvent.Builder draft = LogRecords.draft(format(),
                LogRecords.atLeastErrorWithStack(Levels.parseOrInfer(levelName, message), levelName == null ? stack : null),
                message,
                LogRecords.take(record, used, "logger", "logger_name", "name"),
                LogRecords.take(record, used, "thread", "thread_name"),
                stack);
        String timeField = firstPresent(record, "time", "timestamp", "ts", "@timestamp");
        if (timeField != null) {
            used.add(timeField);
            Drafts.time(draft, LogRecords.time(record.get(timeField)));
        }
        LogRecords.service(draft, record, used);
        LogRecords.remaining(draft, record, used);
        TraceIds.apply(TraceIds.fromJson(record), draft);
        return List.of(draft);
    }

    /** The stack of an error object ({@code err} or {@code error}) serialized the Node way. */
    private static String errorStack(JsonNode record) {
        for (String field : new String[] {"err", "error"}) {
            JsonNode stack = record.path(field).path("stack");
            if (stack.isTextual()) {
                return stack.asText();
            }
        }
        return null;
    }

    private static String firstPresent(JsonNode record, String... fields) {
        for (String field : fields) {
            if (record.hasNonNull(field)) {
                return field;
            }
        }
        return null;
    }

    private static String fieldNames(JsonNode record) {
        List<String> names = new ArrayList<>();
        record.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
