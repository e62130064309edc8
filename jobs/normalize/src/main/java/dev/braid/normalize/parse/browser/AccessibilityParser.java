package dev.braid.normalize.parse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * axe-core results: the whole {@code axe.run()} result (with {@code violations}, {@code url},
 * {@code timestamp}) or its {@code violations} array. One event per violated rule.
 */
public final class AccessibilityParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    @Override
    public String format() {
        return "axe";
    }

    @Override
    public boolean accepts(ParseInput input) {
        String text = input.text();
        return text.contains("\"helpUrl\"") && text.contains("\"impact\"") || text.contains("\"violations\"");
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode root = Json.parse(input.text());
        JsonNode violations = root.isArray() ? root : root.path("violations");
        if (!violations.isArray()) {
            throw ParseException.schemaViolation("axe result has no violations array");
        }
        String url = root.isObject() ? Json.text(root, "url") : null;
        long time = root.isObject() ? Timestamps.parse(Json.text(root, "timestamp")) : Drafts.NO_TIME;
        List<NormalizedEvent.Builder> drafts = new ArrayList<>();
        for (JsonNode violation : violations) {
            drafts.add(violation(violation, url, time));
        }
        return drafts;
    }

    private static NormalizedEvent.Builder violation(JsonNode violation, String url, long time)
            throws ParseException {
        String id = Json.required(violation, "id", "axe violation");
        String impact = violation.path("impact").asText("minor");
        int nodes = violation.path("nodes").size();
        NormalizedEvent.Builder draft = Drafts.draft(
                "a11y.violation",
                "critical".equals(impact) || "serious".equals(impact) ? Level.WARN : Level.INFO,
                id + ": " + violation.path("help").asText("") + " (" + nodes + (nodes == 1 ? " element)" : " elements)"));
        Drafts.time(draft, time);
        Drafts.meta(draft, "rule", id);
        Drafts.meta(draft, "impact", impact);
        Drafts.meta(draft, "helpUrl", Json.text(violation, "helpUrl"));
        Drafts.meta(draft, "url", url);
        Drafts.meta(draft, "targets", targets(violation.path("nodes")));
        return draft;
    }

    private static String targets(JsonNode nodes) {
        List<String> targets = new ArrayList<>();
        for (JsonNode node : nodes) {
            node.path("target").forEach(t -> targets.add(t.asText()));
        }
        return String.join(", ", targets);
    }
}
