package dev.braid.correlate;

import dev.braid.schema.Commit;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.TestResult;
import dev.braid.schema.TestStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;

/** Named factories for the normalized events the correlate tests feed in. */
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
}
