package dev.braid.normalize.parse.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OTLP attribute values as Braid's string metadata: strings as they are, other scalars as JSON
 * spells them, bytes in base64, arrays and key-value lists as compact JSON.
 */
final class OtlpValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OtlpValues() {}

    static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case VALUE_NOT_SET, STRING_VALUE_STRINDEX -> "";
            case ARRAY_VALUE, KVLIST_VALUE -> json(value).toString();
            default -> json(value).asText();
        };
    }

    private static JsonNode json(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> NODES.textNode(value.getStringValue());
            case BOOL_VALUE -> NODES.booleanNode(value.getBoolValue());
            case INT_VALUE -> NODES.numberNode(value.getIntValue());
            case DOUBLE_VALUE -> NODES.numberNode(value.getDoubleValue());
            case BYTES_VALUE -> NODES.textNode(Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> array(value.getArrayValue().getValuesList());
            case KVLIST_VALUE -> object(value.getKvlistValue().getValuesList());
            // A string index points into a profile's string table, which spans and logs do not have.
            case VALUE_NOT_SET, STRING_VALUE_STRINDEX -> NODES.nullNode();
        };
    }

    private static ArrayNode array(List<AnyValue> values) {
        ArrayNode array = NODES.arrayNode(values.size());
        values.forEach(value -> array.add(json(value)));
        return array;
    }

    private static ObjectNode object(List<KeyValue> entries) {
        ObjectNode object = NODES.objectNode();
        entries.forEach(entry -> object.set(entry.getKey(), json(entry.getValue())));
        return object;
    }

    /** Each attribute as {@code prefix + key} and its text, but for empty ones and those skipped. */
    static void putAll(Map<String, String> into, String prefix, List<KeyValue> attributes, Set<String> skipped) {
        for (KeyValue attribute : attributes) {
            String text = text(attribute.getValue());
            if (!text.isEmpty() && !skipped.contains(attribute.getKey())) {
                into.put(prefix + attribute.getKey(), text);
            }
        }
    }

    /** The attribute's value as text; null when absent or empty. */
    static String attribute(List<KeyValue> attributes, String key) {
        for (KeyValue attribute : attributes) {
            if (attribute.getKey().equals(key)) {
                String text = text(attribute.getValue());
                return text.isEmpty() ? null : text;
            }
        }
        return null;
    }
}
