package dev.braid.normalize.parse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.normalize.redact.Redactor;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.List;
import java.util.Set;

/**
 * User actions recorded in the page, Braid's contract (docs/browser-events.md):
 * {@code {"type":"user.action","action":"click","selector":"#pay","text":"Pay","url":..,"time":..}}.
 * The value typed into a password field never leaves the parser.
 */
public final class UserActionParser implements FormatParser {

    private static final long serialVersionUID = 1L;
    private static final Set<String> ACTIONS = Set.of("click", "dblclick", "input", "change", "submit", "keydown", "navigate", "scroll");

    @Override
    public String format() {
        return "user-action";
    }

    @Override
    public boolean accepts(ParseInput input) {
        return Json.looksLikeObject(input.text()) && input.text().contains("\"user.action\"");
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode action = Json.object(input.text());
        String name = Json.required(action, "action", "user.action");
        if (!ACTIONS.contains(name)) {
            throw ParseException.schemaViolation("user.action action '" + name + "' is none of " + ACTIONS);
        }
        String selector = Json.text(action, "selector");
        String label = Json.text(action, "text");
        NormalizedEvent.Builder draft = Drafts.draft(
                "user.action", Level.INFO, name + " " + (selector == null ? "" : selector) + (label == null ? "" : " \"" + label + "\""));
        Drafts.time(draft, Timestamps.parse(Json.text(action, "time", "timestamp")));
        Drafts.meta(draft, "action", name);
        Drafts.meta(draft, "selector", selector);
        Drafts.meta(draft, "url", Json.text(action, "url"));
        String value = Json.text(action, "value");
        boolean secret = "password".equalsIgnoreCase(Json.text(action, "input_type", "inputType"));
        Drafts.meta(draft, "value", secret && value != null ? Redactor.MASK : value);
        draft.getKeysBuilder().setSession(Json.text(action, "session_id", "sessionId"));
        return List.of(draft);
    }
}
