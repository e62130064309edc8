package dev.braid.normalize.parse.git;

import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.Commit;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.FileChange;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.braid.normalize.parse.SourceRecords.input;
import static dev.braid.normalize.parse.SourceRecords.parseOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class GitHookParserTest {

    private static final List<String> HOOK_LINES = Fixtures.lines("fixtures/git/post-commit.jsonl");

    private final GitHookParser parser = new GitHookParser();

    @Test
    void everyHookLineIsAcceptedAndBecomesOneInfoCommit() throws ParseException {
        assertThat(HOOK_LINES).hasSize(4);
        for (String line : HOOK_LINES) {
            assertThat(parser.accepts(input(line))).isTrue();
            NormalizedEvent.Builder draft = parseOne(parser, line);
            assertThat(draft.getKind()).isEqualTo("git.commit");
            assertThat(draft.getLevel()).isEqualTo(Level.INFO);
            assertThat(draft.getKeysBuilder().getRepo()).isEqualTo("demo-service");
        }
    }

    @Test
    void rootCommitHasNoParentsAndAddsEveryFile() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, HOOK_LINES.get(0));

        assertThat(draft.getMessage()).isEqualTo("Initial commit");
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2026-11-20T08:15:00Z"));
        assertThat(draft.getKeysBuilder().getBranch()).isEqualTo("main");
        assertThat(draft.getKeysBuilder().getCommit()).isEqualTo("bed57cfafe5dea4920e04e94b30e253834b543d6");
        Commit commit = (Commit) draft.getPayload();
        assertThat(commit.getSha()).isEqualTo("bed57cfafe5dea4920e04e94b30e253834b543d6");
        assertThat(commit.getParents()).isEmpty();
        assertThat(commit.getAuthorName()).isEqualTo("Alice Example");
        assertThat(commit.getAuthorEmail()).isEqualTo("alice@example.com");
        assertThat(commit.getFiles()).extracting(FileChange::getStatus, FileChange::getPath).containsExactly(
                tuple("A", "README.md"),
                tuple("A", "docs/file with spaces & \"quotes\".txt"),
                tuple("A", "docs/notes.txt"),
                tuple("A", "src/app.py"));
        assertThat(draft.getMetadata()).doesNotContainKey("body");
    }

    @Test
    void multiLineMessageKeepsItsSubjectAsMessageAndTheRestAsBody() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, HOOK_LINES.get(1));

        assertThat(draft.getMessage()).isEqualTo("Add \"login\" flow (BR-42)");
        assertThat(draft.getMetadata().get("body"))
                .startsWith("The old notes were renamed to NOTES.md")
                .contains("café ✓")
                .endsWith("Co-authored-by: Carol <carol@example.com>");
        assertThat(draft.getKeysBuilder().getBranch()).isEqualTo("feature/login");
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2026-11-20T10:02:07Z"));
    }

    @Test
    void committerWhoIsNotTheAuthorIsKeptInMetadata() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, HOOK_LINES.get(1));

        assertThat(((Commit) draft.getPayload()).getAuthorName()).isEqualTo("Alice Example");
        assertThat(draft.getMetadata())
                .containsEntry("committerName", "Bob Reviewer")
                .containsEntry("committerEmail", "bob@example.com");
    }

    @Test
    void renameDeleteModifyAndAddKeepTheirStatusLetters() throws ParseException {
        Commit commit = (Commit) parseOne(parser, HOOK_LINES.get(1)).getPayload();

        assertThat(commit.getParents()).containsExactly("bed57cfafe5dea4920e04e94b30e253834b543d6");
        assertThat(commit.getFiles()).extracting(FileChange::getStatus, FileChange::getPath).containsExactly(
                tuple("R", "docs/NOTES.md"),
                tuple("D", "docs/file with spaces & \"quotes\".txt"),
                tuple("M", "src/app.py"),
                tuple("A", "src/login.py"));
    }

    @Test
    void negativeUtcOffsetIsConvertedToUtc() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, HOOK_LINES.get(2));

        assertThat(draft.getMessage()).isEqualTo("docs: usage section");
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2026-11-20T17:00:00Z"));
    }

    @Test
    void mergeCommitListsBothParentsInOrder() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, HOOK_LINES.get(3));

        assertThat(draft.getMessage()).isEqualTo("Merge branch 'feature/login'");
        assertThat(((Commit) draft.getPayload()).getParents()).containsExactly(
                "72cd746673a7e66bb8d79150c737b393cf15d39e", "7ec12ab6c04aeed1259e40e0021c0d3ff4d2ad79");
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2026-11-21T08:45:30Z"));
    }

    @Test
    void detachedHeadLeavesTheBranchKeyForTheCallerToFill() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, HOOK_LINES.get(2).replace("\"branch\":\"main\"", "\"branch\":null"));

        assertThat(draft.getKeysBuilder().getBranch()).isNull();
        assertThat(draft.getKeysBuilder().getCommit()).isEqualTo("72cd746673a7e66bb8d79150c737b393cf15d39e");
    }

    @Test
    void nameStatusScoresAreReducedToTheirLetter() throws ParseException {
        String line = HOOK_LINES.get(2).replace("{\"status\":\"M\",\"path\":\"README.md\"}",
                "{\"status\":\"R087\",\"path\":\"README.md\"}");

        assertThat(((Commit) parseOne(parser, line).getPayload()).getFiles())
                .extracting(FileChange::getStatus).containsExactly("R");
    }

    @Test
    void doesNotAcceptOtherJson() {
        assertThat(parser.accepts(input(Fixtures.text("fixtures/ci/push.json")))).isFalse();
        assertThat(parser.accepts(input("{\"level\":30,\"msg\":\"git.commit\"}"))).isFalse();
        assertThat(parser.accepts(input("commit bed57cf"))).isFalse();
    }

    @Test
    void truncatedLineIsUnparseable() {
        String line = HOOK_LINES.get(0).substring(0, 80);

        assertThatThrownBy(() -> parser.parse(input(line)))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE))
                .hasMessageContaining("invalid JSON");
    }

    @Test
    void missingShaIsASchemaViolationNamingTheField() {
        String line = HOOK_LINES.get(0).replace("\"sha\":\"bed57cfafe5dea4920e04e94b30e253834b543d6\",", "");

        assertThatThrownBy(() -> parser.parse(input(line)))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessage("git-hook record lacks required field 'sha'");
    }

    @Test
    void abbreviatedShaIsRejected() {
        String line = HOOK_LINES.get(0).replace("\"sha\":\"bed57cfafe5dea4920e04e94b30e253834b543d6\"",
                "\"sha\":\"bed57cf\"");

        assertThatThrownBy(() -> parser.parse(input(line)))
                .hasMessage("git-hook field 'sha' must be a full commit sha (40 or 64 lower-case hex digits),"
                        + " got 'bed57cf'");
    }

    @Test
    void unreadableTimeIsRejectedRatherThanReplacedByTheKafkaTime() {
        String line = HOOK_LINES.get(0).replace("2026-11-20T09:15:00+01:00", "yesterday");

        assertThatThrownBy(() -> parser.parse(input(line)))
                .hasMessage("git-hook field 'time' is not an ISO-8601 time: 'yesterday'");
    }

    @Test
    void fileWithoutPathIsRejectedWithItsIndex() {
        String line = HOOK_LINES.get(2).replace("\"path\":\"README.md\"", "\"file\":\"README.md\"");

        assertThatThrownBy(() -> parser.parse(input(line)))
                .hasMessage("git-hook files[0] needs both 'status' and 'path', got {\"status\":\"M\",\"file\":\"README.md\"}");
    }

    @Test
    void otherRecordTypeIsRejected() {
        String line = HOOK_LINES.get(0).replace("\"type\":\"git.commit\"", "\"type\":\"git.tag\"");

        assertThatThrownBy(() -> parser.parse(input(line)))
                .hasMessage("git-hook record has type 'git.tag', expected 'git.commit'");
    }
}
