package dev.braid.cli.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One observation, held under a byte budget so that it fits an LLM's context: header lines,
 * records while they fit and the limit allows, and a footer that says what was left out and the
 * exact command that shows the rest. Human text by default, one JSON document with {@code --json}.
 */
public final class Page {

    /** What one call may print: an observation handed to an LLM stays under 25 KB. */
    public static final int MAX_BYTES = 25_000;
    /** Kept free for the footer, whose cursor and command line are not known in advance. */
    private static final int FOOTER_RESERVE = 1_500;
    /** What a record alone on a page is cut to at most, however small the page asked for. */
    private static final int MIN_RECORD_BYTES = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean json;
    private final int limit;
    private final int maxBytes;
    private final int budget;
    private final List<String> lines = new ArrayList<>();
    private final ObjectNode document = JSON.createObjectNode();
    private final ArrayNode records;
    private int used;
    private int shown;
    private String stopReason;
    private String footnote;

    Page(boolean json, int limit, int maxBytes) {
        this.json = json;
        this.limit = limit;
        this.maxBytes = Math.min(maxBytes, MAX_BYTES);
        this.budget = this.maxBytes - FOOTER_RESERVE;
        this.records = JSON.createArrayNode();
    }

    /** Text shown before the records (human output only). */
    void headerLine(String line) {
        if (!json) {
            lines.add(line);
            used += bytes(line) + 1;
        }
    }

    /** A field of the JSON document (JSON output only). */
    void headerField(String name, JsonNode value) {
        if (json) {
            document.set(name, value);
            used += bytes(name) + bytes(value.toString()) + 4;
        }
    }

    /**
     * Adds a record while the limit allows and it fits; false once the page is full, which
     * {@link #stopReason()} explains. The first record of a page always fits, cut if it must be
     * ({@link RecordCut}), so a page never comes back empty while records remain.
     */
    boolean add(String text, ObjectNode node) {
        if (stopReason != null) {
            return false;
        }
        if (shown == limit) {
            stopReason = "--limit " + limit + " reached";
            return false;
        }
        int size = json ? bytes(node.toString()) + 1 : bytes(text) + 1;
        if (used + size > budget) {
            if (shown > 0) {
                stopReason = "the " + maxBytes + "-byte page budget is used";
                return false;
            }
            if (json) {
                node = RecordCut.fit(node, Math.max(budget - used, MIN_RECORD_BYTES));
                size = bytes(node.toString()) + 1;
            } else {
                text = cut(text, budget - used - 40);
                size = bytes(text) + 1;
            }
        }
        if (json) {
            records.add(node);
        } else {
            lines.add(text);
        }
        used += size;
        shown++;
        return true;
    }

    /** A remark printed after the records, such as where records left out by a filter are. */
    void footnote(String text) {
        footnote = text;
    }

    /** Why the page is full, or null while records still fit. */
    String stopReason() {
        return stopReason;
    }

    /**
     * The page with its footer. {@code next} is the command that continues after the last record
     * shown, or null when nothing is left.
     */
    String render(String noun, String nextCursor, String next) {
        if (json) {
            document.set("records", records);
            document.put("shown", shown);
            document.put("more", next != null);
            if (footnote != null) {
                document.put("note", footnote);
            }
            if (next != null) {
                document.put("stopped", stopReason);
                document.put("next_cursor", nextCursor);
                document.put("next", next);
            }
            return write(document);
        }
        StringBuilder page = new StringBuilder();
        lines.forEach(line -> page.append(line).append('\n'));
        if (footnote != null) {
            page.append("-- ").append(footnote).append('\n');
        }
        page.append("-- ").append(shown).append(' ').append(noun).append(" shown");
        if (next == null) {
            page.append("; no more.");
        } else {
            page.append("; more follow (").append(stopReason).append(").\n-- next page: ").append(next);
        }
        return page.append('\n').toString();
    }

    /** The text, or its first {@code maxChars} characters and how many more were cut. */
    public static String cut(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int keep = Math.max(0, maxChars);
        return text.substring(0, keep) + "… [" + (text.length() - keep) + " chars cut]";
    }

    static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
