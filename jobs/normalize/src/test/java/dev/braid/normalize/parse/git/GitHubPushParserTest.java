package dev.braid.normalize.parse.git;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.schema.Commit;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.FileChange;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.braid.normalize.parse.SourceRecords.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class GitHubPushParserTest {

    private static final String NEW_BRANCH_PUSH = Fixtures.text("fixtures/ci/push.json");
    private static final String TAG_DELETION = Fixtures.text("fixtures/ci/push-tag-deleted.json");

    /** A push of three commits to an existing branch, shaped like GitHub's payload (fields trimmed). */
    private static final String THREE_COMMITS = """
            {"ref":"refs/heads/feature/login",
             "before":"bed57cfafe5dea4920e04e94b30e253834b543d6",
             "after":"915ea34f50e0b6898bc4871b4e412dcfafccb1a5",
             "created":false,"deleted":false,"forced":false,
             "repository":{"full_name":"acme/storefront","pushed_at":1795251600},
             "pusher":{"name":"alice","email":"alice@example.com"},
             "commits":[
              {"id":"7ec12ab6c04aeed1259e40e0021c0d3ff4d2ad79","distinct":true,
               "message":"Add login flow\\n\\nCo-authored-by: Carol <carol@example.com>",
               "timestamp":"2026-11-20T11:02:07+01:00",
               "author":{"name":"Alice Example","email":"alice@example.com","username":"alice"},
               "committer":{"name":"Bob Reviewer","email":"bob@example.com","username":"bob"},
               "added":["src/login.py"],"removed":["docs/old.txt"],"modified":["src/app.py"]},
              {"id":"72cd746673a7e66bb8d79150c737b393cf15d39e","distinct":true,
               "message":"docs: usage section","timestamp":"2026-11-20T12:00:00-05:00",
               "author":{"name":"Alice Example","email":"alice@example.com"},
               "committer":{"name":"Alice Example","email":"alice@example.com"},
               "added":[],"removed":[],"modified":["README.md"]},
              {"id":"915ea34f50e0b6898bc4871b4e412dcfafccb1a5","distinct":false,
               "message":"Fix typo","timestamp":"2026-11-21T08:45:30Z",
               "author":{"name":"Alice Example","email":"alice@example.com"},
               "committer":{"name":"Alice Example","email":"alice@example.com"},
               "added":[],"removed":[],"modified":["README.md"]}
             ],
             "head_commit":null}
            """;

    private final GitHubPushParser parser = new GitHubPushParser();

    private static ParseInput inputWithEvent(String text, String event) {
        return new ParseInput(text, Map.of("X-GitHub-Event", event), 0L);
    }

    @Test
    void pushCreatingABranchBecomesOneCommitWithoutParents() throws ParseException {
        assertThat(parser.accepts(input(NEW_BRANCH_PUSH))).isTrue();
        List<NormalizedEvent.Builder> drafts = parser.parse(input(NEW_BRANCH_PUSH));

        assertThat(drafts).hasSize(1);
        NormalizedEvent.Builder draft = drafts.get(0);
        assertThat(draft.getKind()).isEqualTo("git.commit");
        assertThat(draft.getLevel()).isEqualTo(Level.INFO);
        assertThat(draft.getMessage()).isEqualTo("Initial commit");
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2019-05-15T15:19:25Z"));
        assertThat(draft.getKeysBuilder().getRepo()).isEqualTo("Codertocat/Hello-World");
        assertThat(draft.getKeysBuilder().getBranch()).isEqualTo("master");
        assertThat(draft.getKeysBuilder().getCommit()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
        Commit commit = (Commit) draft.getPayload();
        assertThat(commit.getParents()).as("before is 40 zeros on a new branch").isEmpty();
        assertThat(commit.getAuthorName()).isEqualTo("Codertocat");
        assertThat(commit.getAuthorEmail()).isEqualTo("21031067+Codertocat@users.noreply.github.com");
        assertThat(commit.getFiles()).extracting(FileChange::getStatus, FileChange::getPath)
                .containsExactly(tuple("A", "README.md"));
        assertThat(draft.getMetadata())
                .containsEntry("ref", "refs/heads/master")
                .containsEntry("pusher", "Codertocat")
                .containsEntry("url", "https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246");
    }

    @Test
    void eachPushedCommitIsChainedToThePreviousOneAndTheFirstToBefore() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parser.parse(input(THREE_COMMITS));

        assertThat(drafts).extracting(d -> ((Commit) d.getPayload()).getSha()).containsExactly(
                "7ec12ab6c04aeed1259e40e0021c0d3ff4d2ad79",
                "72cd746673a7e66bb8d79150c737b393cf15d39e",
                "915ea34f50e0b6898bc4871b4e412dcfafccb1a5");
        assertThat(drafts).extracting(d -> ((Commit) d.getPayload()).getParents()).containsExactly(
                List.of("bed57cfafe5dea4920e04e94b30e253834b543d6"),
                List.of("7ec12ab6c04aeed1259e40e0021c0d3ff4d2ad79"),
                List.of("72cd746673a7e66bb8d79150c737b393cf15d39e"));
        assertThat(drafts).extracting(d -> d.getKeysBuilder().getBranch()).containsOnly("feature/login");
        assertThat(drafts).extracting(d -> d.getKeysBuilder().getRepo()).containsOnly("acme/storefront");
        assertThat(drafts).extracting(NormalizedEvent.Builder::getEventTime).containsExactly(
                Instant.parse("2026-11-20T10:02:07Z"),
                Instant.parse("2026-11-20T17:00:00Z"),
                Instant.parse("2026-11-21T08:45:30Z"));
        assertThat(drafts.get(2).getMetadata()).containsEntry("distinct", "false");
    }

    @Test
    void addedRemovedAndModifiedPathsBecomeStatusLetters() throws ParseException {
        NormalizedEvent.Builder first = parser.parse(input(THREE_COMMITS)).get(0);

        assertThat(first.getMessage()).isEqualTo("Add login flow");
        assertThat(first.getMetadata())
                .containsEntry("body", "Co-authored-by: Carol <carol@example.com>")
                .containsEntry("committerName", "Bob Reviewer");
        assertThat(((Commit) first.getPayload()).getFiles()).extracting(FileChange::getStatus, FileChange::getPath)
                .containsExactly(tuple("A", "src/login.py"), tuple("D", "docs/old.txt"), tuple("M", "src/app.py"));
    }

    @Test
    void deletedBranchBecomesOneBranchDeletedEvent() throws ParseException {
        String push = THREE_COMMITS
                .replace("\"after\":\"915ea34f50e0b6898bc4871b4e412dcfafccb1a5\"", "\"after\":\"" + "0".repeat(40) + "\"")
                .replace("\"deleted\":false", "\"deleted\":true")
                .replaceAll("(?s)\"commits\":\\[.*\\],", "\"commits\":[],");

        List<NormalizedEvent.Builder> drafts = parser.parse(input(push));

        assertThat(drafts).hasSize(1);
        NormalizedEvent.Builder draft = drafts.get(0);
        assertThat(draft.getKind()).isEqualTo("git.branch_deleted");
        assertThat(draft.getMessage()).isEqualTo("branch feature/login deleted by alice");
        assertThat(draft.getKeysBuilder().getBranch()).isEqualTo("feature/login");
        assertThat(draft.getKeysBuilder().getCommit()).isEqualTo("bed57cfafe5dea4920e04e94b30e253834b543d6");
        assertThat(draft.getEventTime()).isEqualTo(Instant.ofEpochSecond(1795251600));
        assertThat(draft.getPayload()).isNull();
    }

    @Test
    void deletedTagIsATagDeletionWithoutBranch() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parser.parse(input(TAG_DELETION));

        assertThat(drafts).hasSize(1);
        NormalizedEvent.Builder draft = drafts.get(0);
        assertThat(draft.getKind()).isEqualTo("git.tag_deleted");
        assertThat(draft.getMessage()).isEqualTo("tag simple-tag deleted by Codertocat");
        assertThat(draft.getKeysBuilder().getBranch()).isNull();
        assertThat(draft.getKeysBuilder().getRepo()).isEqualTo("Codertocat/Hello-World");
        assertThat(draft.getKeysBuilder().getCommit()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
        assertThat(draft.getMetadata()).containsEntry("tag", "simple-tag");
        assertThat(draft.getEventTime()).isEqualTo(Instant.ofEpochSecond(1557933657));
    }

    @Test
    void newTagOnAnExistingCommitIsARefUpdate() throws ParseException {
        String push = TAG_DELETION
                .replace("\"before\": \"6113728f27ae82c7b1a177c8d03f9e96e0adf246\"", "\"before\": \"" + "0".repeat(40) + "\"")
                .replace("\"after\": \"0000000000000000000000000000000000000000\"",
                        "\"after\": \"6113728f27ae82c7b1a177c8d03f9e96e0adf246\"")
                .replace("\"created\": false", "\"created\": true")
                .replace("\"deleted\": true", "\"deleted\": false");

        NormalizedEvent.Builder draft = parser.parse(input(push)).get(0);

        assertThat(draft.getKind()).isEqualTo("git.ref_updated");
        assertThat(draft.getMessage()).isEqualTo("tag simple-tag created at 6113728 by Codertocat");
        assertThat(draft.getKeysBuilder().getCommit()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
    }

    @Test
    void gitHubEventHeaderDecidesWhetherThePayloadIsAPush() {
        assertThat(parser.accepts(inputWithEvent(NEW_BRANCH_PUSH, "push"))).isTrue();
        assertThat(parser.accepts(new ParseInput(NEW_BRANCH_PUSH, Map.of("x-github-event", "push"), 0L))).isTrue();
        assertThat(parser.accepts(inputWithEvent(NEW_BRANCH_PUSH, "create"))).isFalse();
        assertThatThrownBy(() -> parser.parse(inputWithEvent(NEW_BRANCH_PUSH, "create")))
                .hasMessage("github-push expects X-GitHub-Event 'push', got 'create'");
    }

    @Test
    void doesNotAcceptOtherGitHubPayloads() {
        assertThat(parser.accepts(input(Fixtures.text("fixtures/ci/workflow_job-completed.json")))).isFalse();
        assertThat(parser.accepts(input(Fixtures.lines("fixtures/git/post-commit.jsonl").get(0)))).isFalse();
    }

    @Test
    void payloadWithoutRepositoryIsASchemaViolation() {
        String push = THREE_COMMITS.replace("\"repository\":{\"full_name\":\"acme/storefront\",\"pushed_at\":1795251600},", "");

        assertThatThrownBy(() -> parser.parse(input(push)))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessage("github-push payload lacks 'repository.full_name'");
    }

    @Test
    void commitsThatIsNotAnArrayIsASchemaViolation() {
        assertThatThrownBy(() -> parser.parse(input("{\"ref\":\"refs/heads/main\",\"commits\":{}}")))
                .hasMessage("github-push payload lacks the 'commits' array");
    }

    @Test
    void commitWithoutTimestampIsRejectedWithItsIndex() {
        String push = THREE_COMMITS.replace("\"timestamp\":\"2026-11-20T12:00:00-05:00\",", "");

        assertThatThrownBy(() -> parser.parse(input(push)))
                .hasMessage("github-push commits[1] record lacks required field 'timestamp'");
    }

    @Test
    void truncatedPayloadIsUnparseable() {
        assertThatThrownBy(() -> parser.parse(input(NEW_BRANCH_PUSH.substring(0, 500))))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE))
                .hasMessageStartingWith("invalid JSON at line");
    }
}
