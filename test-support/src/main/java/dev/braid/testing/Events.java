package dev.braid.testing;

import dev.braid.schema.AgentStep;
import dev.braid.schema.CiInstance;
import dev.braid.schema.CiJob;
import dev.braid.schema.Commit;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.LlmCall;
import dev.braid.schema.McpHealth;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.TestResult;
import dev.braid.schema.TestStatus;
import dev.braid.schema.WebVital;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;

/** Named factories for the normalized events the job tests feed in. */
public final class Events {

    /** 2026-11-21T10:00:00Z: time zero of every scenario. */
    public static final long T0 = 1_795_255_200_000L;
    public static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    private Events() {}

    /** An event at {@code T0 + offsetMillis} with the given id, source, level and message. */
    public static NormalizedEvent.Builder event(String id, long offsetMillis, Source source, String kind, Level level, String message) {
        return NormalizedEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.ofEpochMilli(T0 + offsetMillis))
                .setIngestTime(Instant.ofEpochMilli(T0 + offsetMillis))
                .setSource(source)
                .setKind(kind)
                .setLevel(level)
                .setKeys(CorrelationKeys.newBuilder().build())
                .setMessage(message)
                .setMetadata(new HashMap<>())
                .setTags(new ArrayList<>());
    }

    /** A backend log line of the trace. */
    public static NormalizedEvent traced(String id, long offsetMillis, Level level) {
        return event(id, offsetMillis, Source.BACKEND, "log", level, "line " + id).setTraceId(TRACE).build();
    }

    /** A backend log line of another trace. */
    public static NormalizedEvent traced(String id, String traceId, long offsetMillis) {
        return event(id, offsetMillis, Source.BACKEND, "log", Level.INFO, "line " + id).setTraceId(traceId).build();
    }

    /** A git.commit on the repo and branch, at its commit time, with the subject as message. */
    public static NormalizedEvent commit(String sha, long offsetMillis, String repo, String branch, String subject, String author) {
        return event("commit-" + sha, offsetMillis, Source.GIT, "git.commit", Level.INFO, subject)
                .setKeys(CorrelationKeys.newBuilder().setRepo(repo).setBranch(branch).setCommit(sha).build())
                .setPayload(Commit.newBuilder().setSha(sha).setAuthorName(author).build())
                .build();
    }

    /** A test.result of the test on the commit (null when unknown); FAILED and ERROR at level ERROR. */
    public static NormalizedEvent testResult(
            String id, long offsetMillis, String repo, String branch, String testId, String commit, TestStatus status) {
        boolean failed = status == TestStatus.FAILED || status == TestStatus.ERROR;
        return event(id, offsetMillis, Source.TEST, "test.result", failed ? Level.ERROR : Level.INFO, testId + " " + status)
                .setKeys(CorrelationKeys.newBuilder().setRepo(repo).setBranch(branch).setCommit(commit).setTestId(testId).build())
                .setPayload(TestResult.newBuilder().setFramework("jest").setSuite(testId).setName(testId).setStatus(status).build())
                .build();
    }

    /** A backend error log line on the repo and branch (either may be null). */
    public static NormalizedEvent backendError(String id, long offsetMillis, String repo, String branch) {
        return event(id, offsetMillis, Source.BACKEND, "log", Level.ERROR, "error " + id)
                .setKeys(CorrelationKeys.newBuilder().setService("checkout").setRepo(repo).setBranch(branch).build())
                .build();
    }

    /** An agent's task.attempt: attempt {@code attempt} of the task starts. */
    public static NormalizedEvent agentAttempt(String id, long offsetMillis, String task, String signature, int attempt) {
        return event(id, offsetMillis, Source.AGENT, "agent.attempt", Level.INFO, "task " + task + " attempt " + attempt)
                .setKeys(CorrelationKeys.newBuilder().setTaskId(task).build())
                .setPayload(AgentStep.newBuilder().setSignature(signature).setAttempt(attempt).build())
                .build();
    }

    /** An agent's task.state: in attempt {@code attempt} the task reached a state with that signature. */
    public static NormalizedEvent agentState(String id, long offsetMillis, String task, int attempt, String toState, String stateSignature) {
        return event(id, offsetMillis, Source.AGENT, "agent.state", Level.INFO, "task " + task + " -> " + toState)
                .setKeys(CorrelationKeys.newBuilder().setTaskId(task).build())
                .setPayload(AgentStep.newBuilder().setSignature("sig-" + task).setAttempt(attempt)
                        .setToState(toState).setStateSignature(stateSignature).build())
                .build();
    }

    /** An agent's task.outcome, "error" or "success", of the task's attempt. */
    public static NormalizedEvent agentOutcome(String id, long offsetMillis, String task, String signature, int attempt, String outcome) {
        boolean error = "error".equals(outcome);
        return event(id, offsetMillis, Source.AGENT, "agent.outcome", error ? Level.ERROR : Level.INFO,
                "task " + task + " " + outcome + (error ? ": tests still failing" : ": fixed the discount rounding"))
                .setKeys(CorrelationKeys.newBuilder().setTaskId(task).setRepo("acme/shop").build())
                .setPayload(AgentStep.newBuilder().setSignature(signature).setAttempt(attempt).setOutcome(outcome)
                        .setError(error ? "2 tests failing" : null).build())
                .build();
    }

    /** A model call to the provider; failed when {@code error} is not null. */
    public static NormalizedEvent llmCall(String id, long offsetMillis, String provider, String error) {
        return event(id, offsetMillis, Source.AGENT, "agent.llm_call", error == null ? Level.INFO : Level.ERROR,
                provider + " call" + (error == null ? "" : " failed: " + error))
                .setKeys(CorrelationKeys.newBuilder().setTaskId("task-llm").build())
                .setPayload(LlmCall.newBuilder().setProvider(provider).setModel("model-1").setLatencyMs(1200.0)
                        .setError(error).build())
                .build();
    }

    /** An MCP health probe of the server: "up", "down" or "timeout". */
    public static NormalizedEvent mcpProbe(String id, long offsetMillis, String server, String status) {
        return event(id, offsetMillis, Source.AGENT, "agent.mcp_health", "up".equals(status) ? Level.INFO : Level.WARN,
                "MCP server " + server + " " + status)
                .setKeys(CorrelationKeys.newBuilder().setTaskId("task-mcp").build())
                .setPayload(McpHealth.newBuilder().setServer(server).setStatus(status).build())
                .build();
    }

    /** A runner launched on a spot instance for the CI job. */
    public static NormalizedEvent runnerLaunched(String id, long offsetMillis, String instance, String job, String region) {
        return event(id, offsetMillis, Source.CI, "ci.instance", Level.INFO, "runner launched: spot " + instance)
                .setKeys(CorrelationKeys.newBuilder().setJobId(job).setRepo("acme/shop").build())
                .setPayload(CiInstance.newBuilder().setInstanceId(instance).setEvent("launched").setLifecycle("spot")
                        .setInstanceType("c6i.large").setRegion(region).build())
                .build();
    }

    /** AWS's two-minute spot interruption warning for the instance. */
    public static NormalizedEvent spotWarning(String id, long offsetMillis, String instance, String region) {
        return event(id, offsetMillis, Source.CI, "ci.spot_interruption", Level.WARN, "spot instance " + instance + " will be interrupted")
                .setPayload(CiInstance.newBuilder().setInstanceId(instance).setEvent("interruption_warning")
                        .setLifecycle("spot").setRegion(region).setAction("terminate").build())
                .build();
    }

    /** A completed GitHub workflow job of the repo with the conclusion ("success", "failure", ...). */
    public static NormalizedEvent workflowJob(String id, long offsetMillis, String repo, String job, String name, String conclusion) {
        return event(id, offsetMillis, Source.CI, "ci.job", "failure".equals(conclusion) ? Level.ERROR : Level.INFO,
                "workflow job " + name + " completed: " + conclusion)
                .setKeys(CorrelationKeys.newBuilder().setJobId(job).setRepo(repo).build())
                .setPayload(CiJob.newBuilder().setJobId(job).setJobName(name).setStatus("completed").setConclusion(conclusion).build())
                .build();
    }

    /** A browser's CDP request (Network.requestWillBeSent): method and URL, no outcome yet. */
    public static NormalizedEvent networkRequest(String id, long offsetMillis, String requestId, String method, String url) {
        return event(id, offsetMillis, Source.BROWSER, "network.request", Level.INFO, method + " " + url)
                .setPayload(NetworkRequest.newBuilder().setRequestId(requestId).setMethod(method).setUrl(url)
                        .setRequestHeaders(new HashMap<>()).build())
                .build();
    }

    /** The CDP response of a request (Network.responseReceived): status and time to headers, no method. */
    public static NormalizedEvent networkResponse(String id, long offsetMillis, String requestId, String url, int status, double durationMs) {
        return event(id, offsetMillis, Source.BROWSER, "network.response", status >= 500 ? Level.ERROR : Level.INFO, status + " " + url)
                .setPayload(NetworkRequest.newBuilder().setRequestId(requestId).setUrl(url).setStatus(status)
                        .setDurationMs(durationMs).setRequestHeaders(new HashMap<>()).build())
                .build();
    }

    /** A web-vitals report of a page. */
    public static NormalizedEvent webVital(String id, long offsetMillis, String page, String name, double value, String rating) {
        return event(id, offsetMillis, Source.BROWSER, "web.vital", Level.INFO, name + " " + value)
                .setPayload(WebVital.newBuilder().setName(name).setValue(value).setRating(rating).setPage(page).build())
                .build();
    }

    /** An ERROR log line of a service with the given message. */
    public static NormalizedEvent errorLog(String id, long offsetMillis, String service, String message) {
        return event(id, offsetMillis, Source.BACKEND, "log", Level.ERROR, message)
                .setKeys(CorrelationKeys.newBuilder().setService(service).build())
                .build();
    }
}
