package dev.braid.cli.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A tool's JSON Schema for its arguments: an object of documented, typed properties and nothing else. */
final class ToolSchema {

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();

    static ToolSchema object() {
        return new ToolSchema();
    }

    ToolSchema string(String name, String description) {
        return property(name, Map.of("type", "string", "description", description));
    }

    ToolSchema requiredString(String name, String description) {
        required.add(name);
        return string(name, description);
    }

    ToolSchema oneOf(String name, String description, List<String> values) {
        return property(name, Map.of("type", "string", "enum", values, "description", description));
    }

    ToolSchema someOf(String name, String description, List<String> values) {
        return property(name, Map.of("type", "array", "items", Map.of("type", "string", "enum", values),
                "uniqueItems", true, "description", description));
    }

    ToolSchema integer(String name, String description, int minimum, int maximum) {
        return property(name, Map.of("type", "integer", "minimum", minimum, "maximum", maximum, "description", description));
    }

    ToolSchema number(String name, String description, double minimum, double maximum) {
        return property(name, Map.of("type", "number", "minimum", minimum, "maximum", maximum, "description", description));
    }

    ToolSchema bool(String name, String description) {
        return property(name, Map.of("type", "boolean", "description", description));
    }

    /** The paging pair every listing takes: how many records a page holds, and where the previous one stopped. */
    ToolSchema paged() {
        return integer(BraidTools.PAGE_SIZE, "Records per page, 1 to 1000 (default 50); a page also stops before 25,000 bytes.", 1, 1000)
                .cursor();
    }

    ToolSchema cursor() {
        return string(BraidTools.CURSOR, "The next_cursor of the previous response, to continue where it stopped;"
                + " the other arguments are then taken from the cursor.");
    }

    Map<String, Object> build() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    private ToolSchema property(String name, Map<String, Object> definition) {
        properties.put(name, definition);
        return this;
    }
}
