package dev.braid.testing;

import dev.braid.schema.Source;

import java.util.List;

/** The real-tool fixtures of {@code fixtures/}, by how their shippers send them, and the source each belongs to. */
public final class ToolFixtures {

    /** Fixtures a line-per-record shipper sends, one record per non-blank line. */
    public static final List<String> LINE_FIXTURES = List.of(
            "backend/pino.log", "backend/node-console.log", "backend/python-logging-default.log",
            "backend/python-logging-asctime.log", "backend/structlog-console.log", "backend/structlog-json.log",
            "backend/go-log.log", "backend/go-slog-json.log", "backend/go-slog-text.log", "backend/zap.log",
            "backend/logback.log", "backend/logback-springboot.log", "backend/logback-springboot3.log",
            "backend/logback-default-date.log", "backend/logback-iso-t.log", "backend/logback-iso-zone.log",
            "backend/logback-level-first.log", "backend/logback-thread-first.log", "backend/docker-json.log",
            "backend/docker-mixed.log", "browser/cdp-events.jsonl", "browser/web-vitals.jsonl",
            "git/post-commit.jsonl", "agent/agent-events.jsonl", "ci/runner-lifecycle.jsonl");

    /** Fixtures shipped as one record each, reports and webhook bodies; {@code git:} names a source other than the folder's. */
    public static final List<String> WHOLE_FILE_FIXTURES = List.of(
            "test/jest-report.json", "test/jest-suite-errors.json", "test/go-test.jsonl",
            "test/go-test-build-failure.jsonl", "test/go-test-build-failure-go1.19.jsonl", "test/pytest-junit.xml",
            "test/surefire-report.xml", "test/surefire-outcomes.xml", "browser/a11y-violations.json",
            "ci/workflow_job-queued.json", "ci/workflow_job-in_progress.json", "ci/workflow_job-completed.json",
            "ci/workflow_job-completed-failure.json", "ci/ec2-spot-interruption.json", "git:ci/push.json",
            "git:ci/push-tag-deleted.json");

    private ToolFixtures() {}

    /** The fixture's path under {@code fixtures/}, without a {@code source:} prefix. */
    public static String path(String entry) {
        return entry.substring(entry.indexOf(':') + 1);
    }

    /** The source of a fixture: its {@code source:} prefix, else its folder ({@code test/} for test reports). */
    public static Source sourceOf(String entry) {
        int colon = entry.indexOf(':');
        if (colon >= 0) {
            return Source.valueOf(entry.substring(0, colon).toUpperCase());
        }
        String dir = entry.substring(0, entry.indexOf('/'));
        return dir.equals("test") ? Source.TEST : Source.valueOf(dir.toUpperCase());
    }
}
