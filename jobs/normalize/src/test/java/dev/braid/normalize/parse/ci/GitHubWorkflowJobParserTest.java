package dev.braid.normalize.parse.ci;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.schema.CiJob;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static dev.braid.normalize.parse.SourceRecords.input;
import static dev.braid.normalize.parse.SourceRecords.parseOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitHubWorkflowJobParserTest {

    private static final String QUEUED = Fixtures.text("fixtures/ci/workflow_job-queued.json");
    private static final String IN_PROGRESS = Fixtures.text("fixtures/ci/workflow_job-in_progress.json");
    private static final String COMPLETED = Fixtures.text("fixtures/ci/workflow_job-completed.json");
    private static final String FAILED = Fixtures.text("fixtures/ci/workflow_job-completed-failure.json");

    private final GitHubWorkflowJobParser parser = new GitHubWorkflowJobParser();

    @Test
    void queuedJobIsInfoAtItsCreationTime() throws ParseException {
        assertThat(parser.accepts(input(QUEUED))).isTrue();
        NormalizedEvent.Builder draft = parseOne(parser, QUEUED);

        assertThat(draft.getKind()).isEqualTo("ci.job");
        assertThat(draft.getLevel()).isEqualTo(Level.INFO);
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2021-09-13T02:21:13Z"));
        assertThat(draft.getMessage()).isEqualTo("job update (CodeQL) queued on GitHub Actions 5");
        CiJob job = (CiJob) draft.getPayload();
        assertThat(job.getStatus()).isEqualTo("queued");
        assertThat(job.getConclusion()).isNull();
        assertThat(job.getJobName()).isEqualTo("update");
    }

    @Test
    void correlationKeysComeFromTheJobAndRepository() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, IN_PROGRESS);

        assertThat(draft.getKeysBuilder().getJobId()).isEqualTo("289782451");
        assertThat(draft.getKeysBuilder().getRepo()).isEqualTo("Codertocat/Hello-World");
        assertThat(draft.getKeysBuilder().getBranch()).isEqualTo("main");
        assertThat(draft.getKeysBuilder().getCommit()).isEqualTo("3484a3fb816e0859fd6e1cea078d76385ff50625");
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2021-09-13T02:21:13Z"));
        assertThat(((CiJob) draft.getPayload()).getStatus()).isEqualTo("in_progress");
    }

    @Test
    void successfulJobCarriesRunRunnerAndLabelsAtItsCompletionTime() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, COMPLETED);

        assertThat(draft.getLevel()).isEqualTo(Level.INFO);
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2021-08-05T10:38:16Z"));
        assertThat(draft.getMessage()).isEqualTo("job linters (CodeQL) completed: success on GitHub Actions 5");
        CiJob job = (CiJob) draft.getPayload();
        assertThat(job.getJobId()).isEqualTo("289782451");
        assertThat(job.getRunId()).isEqualTo("2202229078");
        assertThat(job.getRunAttempt()).isEqualTo(1);
        assertThat(job.getWorkflow()).isEqualTo("CodeQL");
        assertThat(job.getStatus()).isEqualTo("completed");
        assertThat(job.getConclusion()).isEqualTo("success");
        assertThat(job.getRunnerName()).isEqualTo("GitHub Actions 5");
        assertThat(job.getLabels()).containsExactly("ubuntu-latest");
        assertThat(draft.getMetadata())
                .containsEntry("action", "completed")
                .containsEntry("url", "https://github.com/octo-org/octo-repo/runs/1291536064")
                .containsEntry("runnerGroup", "GitHub Actions")
                .doesNotContainKey("failedSteps");
    }

    @Test
    void failedJobIsAnErrorNamingTheFailedStep() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, FAILED);

        assertThat(draft.getLevel()).isEqualTo(Level.ERROR);
        assertThat(draft.getMessage()).isEqualTo(
                "job linters (CodeQL) completed: failure at step 'Run yarn run format-check' on GitHub Actions 5");
        assertThat(draft.getMetadata()).containsEntry("failedSteps", "Run yarn run format-check");
        assertThat(((CiJob) draft.getPayload()).getConclusion()).isEqualTo("failure");
    }

    @Test
    void timedOutJobIsAnErrorAndCancelledJobAWarning() throws ParseException {
        String timedOut = COMPLETED.replace("\"conclusion\": \"success\",\n    \"started_at\"",
                "\"conclusion\": \"timed_out\",\n    \"started_at\"");
        String cancelled = COMPLETED.replace("\"conclusion\": \"success\",\n    \"started_at\"",
                "\"conclusion\": \"cancelled\",\n    \"started_at\"");

        assertThat(parseOne(parser, timedOut).getLevel()).isEqualTo(Level.ERROR);
        assertThat(parseOne(parser, cancelled).getLevel()).isEqualTo(Level.WARN);
        assertThat(((CiJob) parseOne(parser, cancelled).getPayload()).getConclusion()).isEqualTo("cancelled");
    }

    @Test
    void completedJobWithoutCompletionTimeFallsBackToItsStart() throws ParseException {
        String payload = COMPLETED.replace("\"completed_at\": \"2021-08-05T10:38:16Z\"", "\"completed_at\": null");

        assertThat(parseOne(parser, payload).getEventTime()).isEqualTo(Instant.parse("2021-08-05T10:34:58Z"));
    }

    @Test
    void otherGitHubEventsAreNotAccepted() {
        assertThat(parser.accepts(new ParseInput(COMPLETED, Map.of("X-GitHub-Event", "workflow_run"), 0L))).isFalse();
        assertThat(parser.accepts(input(Fixtures.text("fixtures/ci/push.json")))).isFalse();
        assertThat(parser.accepts(input(Fixtures.text("fixtures/ci/ec2-spot-interruption.json")))).isFalse();
        assertThatThrownBy(() -> parser.parse(new ParseInput(COMPLETED, Map.of("x-github-event", "check_run"), 0L)))
                .hasMessage("github-workflow-job expects X-GitHub-Event 'workflow_job', got 'check_run'");
    }

    @Test
    void payloadWithoutJobIdIsASchemaViolation() {
        String payload = COMPLETED.replace("\"id\": 289782451,", "");

        assertThatThrownBy(() -> parser.parse(input(payload)))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessage("github-workflow-job field 'workflow_job.id' must be a number, got null");
    }

    @Test
    void payloadWithoutActionIsASchemaViolation() {
        String payload = COMPLETED.replace("\"action\": \"completed\",", "");

        assertThatThrownBy(() -> parser.parse(input(payload)))
                .hasMessage("github-workflow-job record lacks required field 'action'");
    }

    @Test
    void truncatedPayloadIsUnparseable() {
        assertThatThrownBy(() -> parser.parse(input(FAILED.substring(0, FAILED.length() / 2))))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE))
                .hasMessageStartingWith("invalid JSON at line");
    }
}
