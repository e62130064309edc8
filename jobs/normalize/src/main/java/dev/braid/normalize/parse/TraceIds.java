package dev.braid.normalize.parse;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds trace and span ids wherever a format carries them: W3C {@code traceparent}, the
 * {@code trace_id}, {@code traceId} and {@code trace.id} fields, and {@code X-Request-ID}.
 */
public final class TraceIds {

    private static final Pattern TRACEPARENT =
            Pattern.compile("\\b[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}\\b", Pattern.CASE_INSENSITIVE);

    /** {@code trace_id=...}, {@code traceId: "..."}, {@code "trace.id":"..."} in free text. */
    private static final Pattern TRACE_FIELD_IN_TEXT =
            Pattern.compile("(?i)\\b(?:trace[_.]?id)\"?\\s*[=:]\\s*\"?([0-9a-f]{16,32})\\b");

    private static final Pattern SPAN_FIELD_IN_TEXT =
            Pattern.compile("(?i)\\b(?:span[_.]?id)\"?\\s*[=:]\\s*\"?([0-9a-f]{16})\\b");

    private static final Pattern REQUEST_ID_IN_TEXT =
            Pattern.compile("(?i)\\bx-request-id\"?\\s*[=:]\\s*\"?([A-Za-z0-9._-]{8,128})");

    private static final Pattern HEX_32 = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern HEX_16 = Pattern.compile("[0-9a-fA-F]{16}");

    private TraceIds() {}

    /** A trace id and span id; either may be null. */
    public record Ids(String traceId, String spanId) {
        public static final Ids NONE = new Ids(null, null);

        public boolean isEmpty() {
            return traceId == null;
        }
    }

    /** From a traceparent header value, or NONE when it is not one. */
    public static Ids fromTraceparent(String value) {
        if (value == null) {
            return Ids.NONE;
        }
        Matcher m = TRACEPARENT.matcher(value);
        return m.find() ? new Ids(m.group(1).toLowerCase(), m.group(2).toLowerCase()) : Ids.NONE;
    }

    /** Normalizes a trace id: 32 hex kept, 16 hex (Jaeger, B3 short) left-padded, others as given. */
    public static String normalize(String traceId) {
        if (traceId == null || traceId.isBlank()) {
            return null;
        }
        String id = traceId.trim();
        if (HEX_32.matcher(id).matches()) {
            return id.toLowerCase();
        }
        if (HEX_16.matcher(id).matches()) {
            return "0000000000000000" + id.toLowerCase();
        }
        return id;
    }

    /** Looks through a JSON object and, one level down, its nested objects (headers, req, trace). */
    public static Ids fromJson(JsonNode node) {
        Ids direct = fromFields(node);
        if (!direct.isEmpty()) {
            return direct;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            JsonNode child = it.next().getValue();
            if (child.isObject()) {
                Ids nested = fromFields(child);
                if (!nested.isEmpty()) {
                    return nested;
                }
                JsonNode headers = child.get("headers");
                if (headers != null && headers.isObject()) {
                    Ids fromHeaders = fromFields(headers);
                    if (!fromHeaders.isEmpty()) {
                        return fromHeaders;
                    }
                }
            }
        }
        return Ids.NONE;
    }

    private static Ids fromFields(JsonNode node) {
        String traceparent = fieldIgnoreCase(node, "traceparent");
        Ids ids = fromTraceparent(traceparent);
        if (!ids.isEmpty()) {
            return ids;
        }
        String span = Json.text(node, "span_id", "spanId", "span.id");
        String trace = Json.text(node, "trace_id", "traceId", "trace.id", "traceID");
        if (trace == null && node.path("trace").isObject()) {
            trace = Json.text(node.get("trace"), "id");
            span = span != null ? span : Json.text(node.path("span"), "id");
        }
        if (trace != null) {
            return new Ids(normalize(trace), span == null ? null : span.toLowerCase());
        }
        String requestId = fieldIgnoreCase(node, "x-request-id");
        return requestId == null ? Ids.NONE : new Ids(requestId.trim(), null);
    }

    private static String fieldIgnoreCase(JsonNode node, String name) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equalsIgnoreCase(name) && field.getValue().isValueNode()) {
                return field.getValue().asText();
            }
        }
        return null;
    }

    /** From free text such as a plain log line: traceparent first, then trace_id=..., then X-Request-ID. */
    public static Ids fromText(String text) {
        Ids ids = fromTraceparent(text);
        if (!ids.isEmpty()) {
            return ids;
        }
        Matcher trace = TRACE_FIELD_IN_TEXT.matcher(text);
        if (trace.find()) {
            Matcher span = SPAN_FIELD_IN_TEXT.matcher(text);
            return new Ids(normalize(trace.group(1)), span.find() ? span.group(1).toLowerCase() : null);
        }
        Matcher requestId = REQUEST_ID_IN_TEXT.matcher(text);
        return requestId.find() ? new Ids(requestId.group(1), null) : Ids.NONE;
    }

    /** Sets the ids on a draft unless it already has a trace id. */
    public static void apply(Ids ids, dev.braid.schema.NormalizedEvent.Builder draft) {
        if (!ids.isEmpty() && draft.getTraceId() == null) {
            draft.setTraceId(ids.traceId());
            draft.setSpanId(ids.spanId());
        }
    }
}
