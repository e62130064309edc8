package dev.braid.cli.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Cuts one JSON record that alone overflows a page until it fits: long strings, long arrays and
 * objects of many fields (a span's hundred attributes), at every depth, harder at each step; at
 * last it keeps only the record's top-level scalars, so no record is too large to be shown.
 */
public final class RecordCut {

    /** How much of each string, array and object a step keeps. */
    private record Limits(int chars, int items, int fields) {}

    private static final List<Limits> STEPS = List.of(new Limits(300, 20, 100), new Limits(100, 10, 30), new Limits(40, 5, 10));
    private static final int SHALLOW_CHARS = 40;
    private static final String CUT_VALUE = "… cut to fit the page";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordCut() {}

    /** The record when it fits {@code maxBytes}; else a copy cut to fit, or as near as its top-level scalars come. */
    public static ObjectNode fit(ObjectNode record, int maxBytes) {
        if (bytes(record) <= maxBytes) {
            return record;
        }
        for (Limits limits : STEPS) {
            ObjectNode cut = record.deepCopy();
            cut(cut, limits);
            if (bytes(cut) <= maxBytes) {
                return cut;
            }
        }
        return shallow(record);
    }

    static int bytes(JsonNode node) {
        return Page.bytes(node.toString());
    }

    private static JsonNode cut(JsonNode value, Limits limits) {
        if (value.isTextual()) {
            return value.asText().length() > limits.chars() ? JSON.getNodeFactory().textNode(Page.cut(value.asText(), limits.chars())) : value;
        }
        if (value instanceof ObjectNode object) {
            cut(object, limits);
        } else if (value instanceof ArrayNode array) {
            cut(array, limits);
        }
        return value;
    }

    private static void cut(ObjectNode object, Limits limits) {
        int total = object.size();
        int kept = 0;
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (kept++ < limits.fields()) {
                field.setValue(cut(field.getValue(), limits));
            } else {
                fields.remove();
            }
        }
        if (total > limits.fields()) {
            object.put("…", (total - limits.fields()) + " more fields cut to fit the page");
        }
    }

    private static void cut(ArrayNode array, Limits limits) {
        int total = array.size();
        while (array.size() > limits.items()) {
            array.remove(array.size() - 1);
        }
        for (int i = 0; i < array.size(); i++) {
            array.set(i, cut(array.get(i), limits));
        }
        if (total > limits.items()) {
            array.add("… " + (total - limits.items()) + " more items cut to fit the page");
        }
    }

    /** The record's top-level scalars, strings cut short; nested values only say they were cut. */
    private static ObjectNode shallow(ObjectNode record) {
        ObjectNode shallow = JSON.createObjectNode();
        record.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.isTextual()) {
                shallow.put(field.getKey(), Page.cut(value.asText(), SHALLOW_CHARS));
            } else if (value.isValueNode()) {
                shallow.set(field.getKey(), value);
            } else {
                shallow.put(field.getKey(), CUT_VALUE);
            }
        });
        return shallow;
    }
}
