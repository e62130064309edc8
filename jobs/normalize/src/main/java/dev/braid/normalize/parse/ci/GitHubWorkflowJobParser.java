package dev.braid.normalize.parse.ci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.schema.CiJob;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * GitHub's {@code workflow_job} webhook payload: one {@code ci.job} event per delivery (queued,
 * waiting, in_progress, completed). A failed job names its failed steps in the message, since that is
 * what a person looks for first.
 */
public final class GitHubWorkflowJobParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String FORMAT = "github-workflow-job";
    private static final String EVENT = "workflow_job";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(ParseInput input) {
        String event = input.header("X-GitHub-Event");
        String text = input.text();
        return (event == null || EVENT.equals(event))
                && Json.looksLikeObject(text) && text.contains("\"" + EVENT + "\"") && text.contains("\"action\"");
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        String event = input.header("X-GitHub-Event");
        if (event != null && !EVENT.equals(event)) {
            throw ParseException.schemaViolation(
                    FORMAT + " expects X-GitHub-Event 'workflow_job', got '" + event + "'");
        }
        JsonNode payload = Json.object(input.text());
        String action = Json.required(payload, "action", FORMAT);
        JsonNode job = payload.get(EVENT);
        if (job == null || !job.isObject()) {
            throw ParseException.schemaViolation(FORMAT + " payload lacks the 'workflow_job' object");
        }
        JsonNode id = job.get("id");
        if (id == null || !id.isIntegralNumber()) {
            throw ParseException.schemaViolation(FORMAT + " field 'workflow_job.id' must be a number, got " + id);
        }
        String jobId = id.asText();
        String status = Json.text(job, "status");
        status = status != null ? status : action;
        String conclusion = Json.text(job, "conclusion");
        String workflow = Json.text(job, "workflow_name");
        String name = Json.text(job, "name");
        String runner = Json.text(job, "runner_name");
        List<String> failedSteps = failedSteps(job.path("steps"));

        StringBuilder message = new StringBuilder("job ")
                .append(name != null ? name : jobId)
                .append(workflow != null ? " (" + workflow + ")" : "")
                .append(' ').append(action);
        if (conclusion != null) {
            message.append(": ").append(conclusion);
        }
        if (!failedSteps.isEmpty()) {
            message.append(" at step '").append(String.join("', '", failedSteps)).append('\'');
        }
        if (runner != null) {
            message.append(" on ").append(runner);
        }

        NormalizedEvent.Builder draft = Drafts.draft("ci.job", level(conclusion), message.toString());
        Drafts.time(draft, time(job, action));
        draft.getKeysBuilder()
                .setJobId(jobId)
                .setRepo(Json.text(payload.path("repository"), "full_name"))
                .setBranch(Json.text(job, "head_branch"))
                .setCommit(Json.text(job, "head_sha"));
        List<String> labels = new ArrayList<>();
        job.path("labels").forEach(label -> labels.add(label.asText()));
        JsonNode attempt = job.get("run_attempt");
        draft.setPayload(CiJob.newBuilder()
                .setJobId(jobId)
                .setRunId(Json.text(job, "run_id"))
                .setRunAttempt(attempt != null && attempt.canConvertToInt() ? attempt.asInt() : null)
                .setWorkflow(workflow)
                .setJobName(name)
                .setStatus(status)
                .setConclusion(conclusion)
                .setRunnerName(runner)
                .setLabels(labels)
                .build());
        Drafts.meta(draft, "action", action);
        Drafts.meta(draft, "url", Json.text(job, "html_url"));
        Drafts.meta(draft, "runnerGroup", Json.text(job, "runner_group_name"));
        Drafts.meta(draft, "failedSteps", failedSteps.isEmpty() ? null : String.join(", ", failedSteps));
        return List.of(draft);
    }

    private static Level level(String conclusion) {
        if ("failure".equals(conclusion) || "timed_out".equals(conclusion)) {
            return Level.ERROR;
        }
        return "cancelled".equals(conclusion) ? Level.WARN : Level.INFO;
    }

    /** The time of what the action reports; earlier stamps stand in when GitHub left it null. */
    private static long time(JsonNode job, String action) {
        String[] fields = switch (action) {
            case "completed" -> new String[] {"completed_at", "started_at", "created_at"};
            case "in_progress" -> new String[] {"started_at", "created_at"};
            default -> new String[] {"created_at"};
        };
        for (String field : fields) {
            long millis = Timestamps.parse(Json.text(job, field));
            if (millis != Drafts.NO_TIME) {
                return millis;
            }
        }
        return Drafts.NO_TIME;
    }

    private static List<String> failedSteps(JsonNode steps) {
        List<String> failed = new ArrayList<>();
        for (JsonNode step : steps) {
            String conclusion = Json.text(step, "conclusion");
            if ("failure".equals(conclusion) || "timed_out".equals(conclusion)) {
                String name = Json.text(step, "name");
                failed.add(name != null ? name : "#" + Json.text(step, "number"));
            }
        }
        return failed;
    }

}
