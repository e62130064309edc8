package dev.braid.normalize.parse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.WebVital;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metric objects of the {@code web-vitals} library ({@code onLCP(report)} and friends), sent as
 * they are: {@code name}, {@code value}, {@code rating}, {@code id}, {@code navigationType}.
 */
public final class WebVitalParser implements FormatParser {

    private static final long serialVersionUID = 1L;
    private static final Set<String> METRICS = Set.of("LCP", "CLS", "INP", "FCP", "TTFB", "FID");
    /** web-vitals ids are {@code v<major>-<epoch millis>-<random>}: the millis say when the page started. */
    private static final Pattern ID_TIME = Pattern.compile("^v\\d+-(\\d{13})-");

    @Override
    public String format() {
        return "web-vitals";
    }

    @Override
    public boolean accepts(ParseInput input) {
        return Json.looksLikeObject(input.text()) && input.text().contains("\"rating\"")
                && input.text().contains("\"value\"");
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode metric = Json.object(input.text());
        String name = Json.required(metric, "name", "web-vitals");
        if (!METRICS.contains(name)) {
            throw ParseException.schemaViolation("web-vitals metric '" + name + "' is none of " + METRICS);
        }
        JsonNode value = metric.path("value");
        if (!value.isNumber()) {
            throw ParseException.schemaViolation("web-vitals metric " + name + " has no numeric value");
        }
        String rating = Json.text(metric, "rating");
        String page = Json.text(metric, "navigationURL", "url", "page");
        NormalizedEvent.Builder draft = Drafts.draft(
                "web.vital",
                "poor".equals(rating) ? Level.WARN : Level.INFO,
                name + " " + value.asDouble() + (rating == null ? "" : " (" + rating + ")") + (page == null ? "" : " on " + page));
        draft.setPayload(WebVital.newBuilder()
                .setName(name)
                .setValue(value.asDouble())
                .setRating(rating)
                .setPage(page)
                .build());
        Drafts.time(draft, timeOf(metric));
        Drafts.meta(draft, "navigationType", Json.text(metric, "navigationType"));
        Drafts.meta(draft, "metricId", Json.text(metric, "id"));
        Drafts.meta(draft, "delta", Json.text(metric, "delta"));
        draft.getKeysBuilder().setSession(Json.text(metric, "sessionId", "session_id"));
        return List.of(draft);
    }

    private static long timeOf(JsonNode metric) {
        Matcher m = ID_TIME.matcher(metric.path("id").asText(""));
        return m.find() ? Long.parseLong(m.group(1)) : Drafts.NO_TIME;
    }
}
