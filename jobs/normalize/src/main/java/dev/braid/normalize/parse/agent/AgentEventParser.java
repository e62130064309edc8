package dev.braid.normalize.parse.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.TraceIds;
import dev.braid.schema.AgentStep;
import dev.braid.schema.Level;
import dev.braid.schema.LlmCall;
import dev.braid.schema.McpHealth;
import dev.braid.schema.NormalizedEvent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Braid's agent event contract (docs/agent-events.md): JSON objects, one per line, each an envelope
 * {@code {"type","time","task_id","signature","attempt"?,"agent"?,"trace_id"?,...}} plus the fields
 * of its type. Fields the contract does not name are kept as metadata.
 */
public final class AgentEventParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String FORMAT = "agent-events";
    private static final List<String> TYPES =
            List.of("task.attempt", "task.state", "quality_gate", "llm.call", "mcp.health", "task.outcome");
    /** The metadata key of the envelope's {@code signature}. */
    public static final String TASK_SIGNATURE = "task_signature";

    private static final Set<String> ENVELOPE = Set.of("type", "time", "task_id", "signature", "attempt", "agent",
            "trace_id", "span_id", "traceparent", "repo", "branch", "commit");
    private static final Map<String, Set<String>> TYPE_FIELDS = Map.of(
            "task.attempt", Set.of("reason"),
            "task.state", Set.of("from", "to", "state_signature"),
            "quality_gate", Set.of("gate", "decision", "reason"),
            "llm.call", Set.of("provider", "model", "tokens_in", "tokens_out", "latency_ms", "cost_usd", "error"),
            "mcp.health", Set.of("server", "status", "latency_ms", "error"),
            "task.outcome", Set.of("outcome", "error", "summary"));

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(ParseInput input) {
        String text = input.text();
        return Json.looksLikeObject(text) && text.contains("\"task_id\"") && text.contains("\"type\"");
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        List<NormalizedEvent.Builder> drafts = new ArrayList<>();
        try (MappingIterator<JsonNode> events = Json.mapper().readerFor(JsonNode.class).readValues(input.text())) {
            while (events.hasNextValue()) {
                JsonNode event = events.nextValue();
                String where = "agent event #" + (drafts.size() + 1)
                        + " (line " + events.getCurrentLocation().getLineNr() + ")";
                if (!event.isObject()) {
                    throw ParseException.schemaViolation(
                            where + ": expected a JSON object, found " + event.getNodeType());
                }
                drafts.add(parse(event, new Fields(event, where)));
            }
        } catch (JsonProcessingException e) {
            throw ParseException.unparseable("invalid JSON at line " + e.getLocation().getLineNr()
                    + " column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ParseException.unparseable("cannot read agent events", e);
        }
        return drafts;
    }

    private static NormalizedEvent.Builder parse(JsonNode event, Fields fields) throws ParseException {
        String type = fields.requiredText("type");
        if (!TYPES.contains(type)) {
            throw fields.violation("unknown type '" + type + "'; allowed: " + TYPES);
        }
        long time = fields.time("time");
        String taskId = fields.requiredText("task_id");
        Long attempt = type.equals("task.attempt")
                ? fields.requiredInteger("attempt", 1)
                : fields.integer("attempt", 1);
        if (attempt != null && attempt > Integer.MAX_VALUE) {
            throw fields.violation("field 'attempt' is too large: " + attempt);
        }
        Envelope envelope = new Envelope(
                taskId, fields.requiredText("signature"), attempt == null ? null : attempt.intValue());

        NormalizedEvent.Builder draft = switch (type) {
            case "task.attempt" -> attempt(fields, envelope);
            case "task.state" -> state(fields, envelope);
            case "quality_gate" -> qualityGate(fields, envelope);
            case "llm.call" -> llmCall(fields);
            case "mcp.health" -> mcpHealth(fields);
            default -> outcome(fields, envelope);
        };
        Drafts.time(draft, time);
        draft.getKeysBuilder()
                .setTaskId(taskId)
                .setRepo(fields.text("repo"))
                .setBranch(fields.text("branch"))
                .setCommit(fields.text("commit"));
        TraceIds.apply(TraceIds.fromJson(event), draft);
        // Not "signature": metadata under that name is masked as a credential (AWS's Signature=).
        Drafts.meta(draft, TASK_SIGNATURE, envelope.signature());
        Drafts.meta(draft, "attempt", envelope.attempt());
        Drafts.meta(draft, "agent", fields.text("agent"));
        for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!ENVELOPE.contains(field.getKey()) && !TYPE_FIELDS.get(type).contains(field.getKey())) {
                JsonNode value = field.getValue();
                Drafts.meta(draft, field.getKey(), value.isValueNode() ? value.asText() : value.toString());
            }
        }
        return draft;
    }

    /** What every event says about its task. */
    private record Envelope(String taskId, String signature, Integer attempt) {
        AgentStep.Builder step() {
            return AgentStep.newBuilder().setSignature(signature).setAttempt(attempt);
        }

        String task() {
            return "task " + taskId + (attempt == null ? "" : " attempt " + attempt);
        }
    }

    private static NormalizedEvent.Builder attempt(Fields fields, Envelope envelope) throws ParseException {
        String reason = fields.text("reason");
        NormalizedEvent.Builder draft = Drafts.draft("agent.attempt", Level.INFO,
                envelope.task() + " started" + (reason == null ? "" : ": " + reason));
        draft.setPayload(envelope.step().build());
        Drafts.meta(draft, "reason", reason);
        return draft;
    }

    private static NormalizedEvent.Builder state(Fields fields, Envelope envelope) throws ParseException {
        String from = fields.text("from");
        String to = fields.requiredText("to");
        String stateSignature = fields.requiredText("state_signature");
        NormalizedEvent.Builder draft = Drafts.draft("agent.state", Level.INFO, envelope.task() + ": "
                + (from == null ? "" : from + " -> ") + to + " [state " + stateSignature + "]");
        draft.setPayload(envelope.step().setFromState(from).setToState(to).setStateSignature(stateSignature).build());
        return draft;
    }

    private static NormalizedEvent.Builder qualityGate(Fields fields, Envelope envelope) throws ParseException {
        String gate = fields.requiredText("gate");
        String decision = fields.oneOf("decision", List.of("approved", "rejected"));
        String reason = fields.text("reason");
        NormalizedEvent.Builder draft = Drafts.draft("agent.quality_gate",
                decision.equals("rejected") ? Level.WARN : Level.INFO,
                envelope.task() + ": quality gate '" + gate + "' " + decision + (reason == null ? "" : ": " + reason));
        draft.setPayload(envelope.step().setDecision(decision).build());
        Drafts.meta(draft, "gate", gate);
        Drafts.meta(draft, "reason", reason);
        return draft;
    }

    private static NormalizedEvent.Builder llmCall(Fields fields) throws ParseException {
        String provider = fields.requiredText("provider");
        String model = fields.requiredText("model");
        String error = fields.text("error");
        // A failed call may have no usage to report; a successful one always has.
        Long tokensIn = error == null ? fields.requiredInteger("tokens_in", 0) : fields.integer("tokens_in", 0);
        Long tokensOut = error == null ? fields.requiredInteger("tokens_out", 0) : fields.integer("tokens_out", 0);
        Double latency = fields.amount("latency_ms");
        if (latency == null) {
            throw fields.violation("missing required field 'latency_ms'");
        }
        Double cost = fields.amount("cost_usd");
        String message = provider + " " + model + (error == null
                ? ": " + tokensIn + " tokens in, " + tokensOut + " out, " + Math.round(latency) + " ms"
                        + (cost == null ? "" : ", $" + cost)
                : " failed after " + Math.round(latency) + " ms: " + error);
        NormalizedEvent.Builder draft =
                Drafts.draft("agent.llm_call", error == null ? Level.INFO : Level.ERROR, message);
        draft.setPayload(LlmCall.newBuilder()
                .setProvider(provider)
                .setModel(model)
                .setTokensIn(tokensIn)
                .setTokensOut(tokensOut)
                .setLatencyMs(latency)
                .setCostUsd(cost)
                .setError(error)
                .build());
        return draft;
    }

    private static NormalizedEvent.Builder mcpHealth(Fields fields) throws ParseException {
        String server = fields.requiredText("server");
        String status = fields.oneOf("status", List.of("up", "down", "timeout"));
        Double latency = fields.amount("latency_ms");
        String error = fields.text("error");
        Level level = switch (status) {
            case "down" -> Level.ERROR;
            case "timeout" -> Level.WARN;
            default -> Level.INFO;
        };
        NormalizedEvent.Builder draft = Drafts.draft("agent.mcp_health", level, "MCP server " + server + " " + status
                + (latency == null ? "" : (status.equals("timeout") ? " after " : " in ") + Math.round(latency) + " ms")
                + (error == null ? "" : ": " + error));
        draft.setPayload(McpHealth.newBuilder()
                .setServer(server)
                .setStatus(status)
                .setLatencyMs(latency)
                .setError(error)
                .build());
        return draft;
    }

    private static NormalizedEvent.Builder outcome(Fields fields, Envelope envelope) throws ParseException {
        String outcome = fields.oneOf("outcome", List.of("error", "success"));
        String error = fields.text("error");
        String summary = fields.text("summary");
        boolean failed = outcome.equals("error");
        String detail = failed ? error : summary;
        NormalizedEvent.Builder draft = Drafts.draft("agent.outcome", failed ? Level.ERROR : Level.INFO,
                envelope.task() + (failed ? " failed" : " succeeded") + (detail == null ? "" : ": " + detail));
        draft.setPayload(envelope.step().setOutcome(outcome).setError(error).build());
        Drafts.meta(draft, "summary", summary);
        return draft;
    }
}
