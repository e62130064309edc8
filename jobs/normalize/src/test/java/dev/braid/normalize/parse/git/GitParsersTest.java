package dev.braid.normalize.parse.git;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.SourceParser;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GitParsersTest {

    private final SourceParser git = new SourceParser(GitParsers.all());

    private String formatOf(String text, Map<String, String> headers) throws ParseException {
        return git.parse(new ParseInput(text, headers, 0L)).get(0).getTags().get(0);
    }

    @Test
    void hookRecordsAndPushPayloadsAreRecognisedWithoutAFormatHeader() throws ParseException {
        for (String line : Fixtures.lines("fixtures/git/post-commit.jsonl")) {
            assertThat(formatOf(line, Map.of())).isEqualTo("format:git-hook");
        }
        assertThat(formatOf(Fixtures.text("fixtures/ci/push.json"), Map.of())).isEqualTo("format:github-push");
        assertThat(formatOf(Fixtures.text("fixtures/ci/push-tag-deleted.json"), Map.of("X-GitHub-Event", "push")))
                .isEqualTo("format:github-push");
    }
}
