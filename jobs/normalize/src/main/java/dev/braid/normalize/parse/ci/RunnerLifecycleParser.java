package dev.braid.normalize.parse.ci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.schema.CiInstance;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.List;
import java.util.Set;

/**
 * Braid's record of a CI runner instance being launched or terminated, written by the runner
 * autoscaler, one JSON object per event:
 * <pre>
 * {"type": "runner.launched" | "runner.terminated",   required
 *  "instance_id": "i-0abc...",                         required
 *  "lifecycle": "spot" | "on-demand",                  required
 *  "time": ISO-8601 text or epoch milliseconds,        required
 *  "instance_type": "c6i.large", "hourly_price_usd": 0.0376, "region": "us-east-1",
 *  "availability_zone": "us-east-1a", "runner_name": "...",
 *  "job_id": GitHub workflow_job id (number or text), "reason": why it was terminated}
 * </pre>
 * The price makes cost per job computable; job_id ties the instance to the {@code ci.job} it ran.
 */
public final class RunnerLifecycleParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String FORMAT = "runner-lifecycle";
    private static final String TYPE_PREFIX = "runner.";
    private static final Set<String> EVENTS = Set.of("launched", "terminated");
    private static final Set<String> LIFECYCLES = Set.of("spot", "on-demand");

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(ParseInput input) {
        String text = input.text();
        return Json.looksLikeObject(text)
                && (text.contains("\"runner.launched\"") || text.contains("\"runner.terminated\""));
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode record = Json.object(input.text());
        String type = Json.required(record, "type", FORMAT);
        String event = type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : null;
        if (!EVENTS.contains(event)) {
            throw ParseException.schemaViolation(FORMAT + " field 'type' must be 'runner.launched' or"
                    + " 'runner.terminated', got '" + type + "'");
        }
        String instanceId = Json.required(record, "instance_id", FORMAT);
        String lifecycle = Json.required(record, "lifecycle", FORMAT);
        if (!LIFECYCLES.contains(lifecycle)) {
            throw ParseException.schemaViolation(FORMAT + " field 'lifecycle' must be 'spot' or 'on-demand', got '"
                    + lifecycle + "'");
        }
        Double price = price(record);
        String instanceType = Json.text(record, "instance_type");
        String zone = Json.text(record, "availability_zone");
        String runner = Json.text(record, "runner_name");
        String reason = Json.text(record, "reason");

        StringBuilder message = new StringBuilder(runner != null ? "runner " + runner : "runner")
                .append(' ').append(event).append(": ").append(lifecycle)
                .append(instanceType == null ? "" : " " + instanceType)
                .append(' ').append(instanceId)
                .append(zone == null ? "" : " in " + zone)
                .append(price == null ? "" : " at $" + price + "/h")
                .append(reason == null ? "" : " (" + reason + ")");
        NormalizedEvent.Builder draft = Drafts.draft("ci.instance", Level.INFO, message.toString());
        Drafts.time(draft, Times.required(record, "time", FORMAT));
        draft.getKeysBuilder().setJobId(Json.text(record, "job_id"));
        draft.setPayload(CiInstance.newBuilder()
                .setInstanceId(instanceId)
                .setEvent(event)
                .setInstanceType(instanceType)
                .setLifecycle(lifecycle)
                .setHourlyPriceUsd(price)
                .setRegion(Json.text(record, "region"))
                .build());
        Drafts.meta(draft, "availabilityZone", zone);
        Drafts.meta(draft, "runnerName", runner);
        Drafts.meta(draft, "reason", reason);
        return List.of(draft);
    }

    private static Double price(JsonNode record) throws ParseException {
        JsonNode value = record.get("hourly_price_usd");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < 0) {
            throw ParseException.schemaViolation(
                    FORMAT + " field 'hourly_price_usd' must be a non-negative number, got " + value);
        }
        return value.asDouble();
    }
}
