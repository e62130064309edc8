package dev.braid.normalize.parse;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/** JSON reading shared by the parsers: one thread-safe mapper and null-safe field access. */
public final class Json {

    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private Json() {}

    /** True when the text is a JSON object, judged by its first non-blank character. */
    public static boolean looksLikeObject(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{';
            }
        }
        return false;
    }

    public static JsonNode parse(String text) throws ParseException {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw invalid(e);
        }
    }

    /** Parses UTF-8 JSON bytes, for binary-capable formats read without decoding them first. */
    public static JsonNode parse(byte[] utf8) throws ParseException {
        try {
            return MAPPER.readTree(utf8);
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (IOException e) {
            throw ParseException.unparseable("unreadable JSON", e);
        }
    }

    /** Says where the JSON broke, when Jackson knows: a broken read limit (a name too long, say) has no location. */
    private static ParseException invalid(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
        return ParseException.unparseable("invalid JSON" + where + ": " + e.getOriginalMessage());
    }

    /** Parses text that must be a JSON object. */
    public static JsonNode object(String text) throws ParseException {
        JsonNode node = parse(text);
        if (!node.isObject()) {
            throw ParseException.schemaViolation("expected a JSON object, found " + node.getNodeType());
        }
        return node;
    }

    /** The first of the fields that is present and not null, as text; null when none is. */
    public static String text(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && !value.isNull() && !value.isMissingNode()) {
                return value.isValueNode() ? value.asText() : value.toString();
            }
        }
        return null;
    }


    public static String required(JsonNode node, String field, String format) throws ParseException {
        String value = text(node, field);
        if (value == null) {
            throw ParseException.schemaViolation(format + " record lacks required field '" + field + "'");
        }
        return value;
    }

    public static Double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isNumber() ? value.asDouble() : null;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
