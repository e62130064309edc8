package dev.braid.detect.rules;

import dev.braid.schema.AgentStep;
import dev.braid.schema.CiInstance;
import dev.braid.schema.CiJob;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.LlmCall;
import dev.braid.schema.McpHealth;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestResult;

/** Null-safe reads of the event fields the rules match on. */
public final class EventFields {

    /** The kind the detect job gives a spot interruption once it knows which CI job it hit. */
    public static final String INTERRUPTION_KIND = "ci.interruption";

    private EventFields() {}

    public static boolean isKind(NormalizedEvent event, String kind) {
        return kind.equals(event.getKind());
    }

    public static CorrelationKeys keys(NormalizedEvent event) {
        return event.getKeys() == null ? CorrelationKeys.newBuilder().build() : event.getKeys();
    }

    public static AgentStep agentStep(NormalizedEvent event) {
        return event.getPayload() instanceof AgentStep step ? step : null;
    }

    public static LlmCall llmCall(NormalizedEvent event) {
        return event.getPayload() instanceof LlmCall call ? call : null;
    }

    public static McpHealth mcpHealth(NormalizedEvent event) {
        return event.getPayload() instanceof McpHealth health ? health : null;
    }

    public static CiInstance ciInstance(NormalizedEvent event) {
        return event.getPayload() instanceof CiInstance instance ? instance : null;
    }

    public static CiJob ciJob(NormalizedEvent event) {
        return event.getPayload() instanceof CiJob job ? job : null;
    }

    public static TestResult testResult(NormalizedEvent event) {
        return event.getPayload() instanceof TestResult result ? result : null;
    }

    /** The first seven characters of a commit sha, as git shows it. */
    public static String shortSha(String sha) {
        return sha == null ? "?" : sha.substring(0, Math.min(7, sha.length()));
    }
}
