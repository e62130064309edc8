package dev.braid.cli.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cli.BackgroundRun;
import dev.braid.cli.CliRun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** What the baseline commands say, in one line and exit code 1, when they cannot do their work. */
class BaselineErrorsTest {

    @TempDir
    Path dir;

    @Test
    void anUnreachableFlinkSaysWhereItLookedAndHowToStartOne() throws Exception {
        String flink = "http://localhost:" + BackgroundRun.freePort();
        CliRun save = CliRun.of("baseline", "save", "healthy", "--flink", flink, "--catalog", catalog());
        assertThat(save.exitCode()).isEqualTo(1);
        assertThat(save.err()).isEqualTo("braid: no Flink REST API at " + flink
                + ": connection refused; start one with `braid run` or pass --flink URL\n");
    }

    @Test
    void anUnknownBaselineIsNamedWithTheCatalog() {
        for (String[] command : new String[][] {{"baseline", "delete", "nosuch"}, {"restore", "nosuch"}}) {
            CliRun run = CliRun.of(append(command, "--catalog", catalog()));
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("braid: no baseline nosuch in " + catalog() + "; there are none yet\n");
        }
    }

    @Test
    void aNameOutsideLettersDigitsDotsDashesAndUnderscoresIsRefused() {
        for (String[] command : new String[][] {{"baseline", "save", "green build"}, {"baseline", "delete", "a/b"}, {"restore", "x:y"}}) {
            CliRun run = CliRun.of(append(command, "--catalog", catalog()));
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).startsWith("braid: baseline name '" + command[command.length - 1] + "': use only letters,")
                    .hasLineCount(1);
        }
    }

    private String catalog() {
        return dir.resolve("baselines.json").toString();
    }

    private static String[] append(String[] command, String... more) {
        String[] args = new String[command.length + more.length];
        System.arraycopy(command, 0, args, 0, command.length);
        System.arraycopy(more, 0, args, command.length, more.length);
        return args;
    }
}
