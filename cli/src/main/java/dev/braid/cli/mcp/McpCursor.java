package dev.braid.cli.mcp;

import dev.braid.cli.UserError;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The opaque {@code next_cursor} of a tool's response. It carries what the next call needs, so a
 * client passes back only the cursor: for a command that pages itself, the arguments (with a
 * relative {@code since} fixed to an instant) and the command's own cursor; for a kept document,
 * the document's id and the index of the next item.
 */
final class McpCursor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** Where a command that pages itself continues. */
    record Command(Map<String, Object> arguments, String commandCursor) {}

    /** Where the list of a kept document continues. */
    record Document(String id, int next) {}

    private McpCursor() {}

    static String command(String tool, Map<String, Object> arguments, String commandCursor) {
        Map<String, Object> cursor = new LinkedHashMap<>();
        cursor.put("tool", tool);
        cursor.put("arguments", arguments);
        cursor.put("cursor", commandCursor);
        return encode(cursor);
    }

    @SuppressWarnings("unchecked")
    static Command decodeCommand(String tool, String cursor) {
        Map<String, Object> fields = decode(tool, cursor);
        if (!(fields.get("arguments") instanceof Map<?, ?> arguments) || !(fields.get("cursor") instanceof String commandCursor)) {
            throw notOurs(tool, cursor);
        }
        return new Command((Map<String, Object>) arguments, commandCursor);
    }

    static String document(String tool, String id, int next) {
        return encode(Map.of("tool", tool, "document", id, "next", next));
    }

    static Document decodeDocument(String tool, String cursor) {
        Map<String, Object> fields = decode(tool, cursor);
        if (!(fields.get("document") instanceof String id) || !(fields.get("next") instanceof Integer next)) {
            throw notOurs(tool, cursor);
        }
        return new Document(id, next);
    }

    private static String encode(Map<String, Object> fields) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(fields));
        } catch (IOException e) {
            throw new IllegalStateException("a cursor's fields are plain JSON values", e);
        }
    }

    private static Map<String, Object> decode(String tool, String cursor) {
        Map<String, Object> fields;
        try {
            fields = JSON.readValue(Base64.getUrlDecoder().decode(cursor), MAP);
        } catch (IOException | IllegalArgumentException e) {
            throw notOurs(tool, cursor);
        }
        if (fields == null) {
            throw notOurs(tool, cursor);
        }
        if (!tool.equals(fields.get("tool"))) {
            throw new UserError("cursor belongs to the " + fields.get("tool") + " tool, not " + tool + ": pass it to the tool that returned it");
        }
        return fields;
    }

    private static UserError notOurs(String tool, String cursor) {
        String shown = cursor.length() > 40 ? cursor.substring(0, 40) + "…" : cursor;
        return new UserError("cursor " + shown
                + " is not a next_cursor the " + tool + " tool returned");
    }
}
