package dev.braid.cli.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Real git repositories for the tests, with a local identity and no signing. */
public final class TestRepos {

    private TestRepos() {}

    public static Path init(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        git(dir, "init", "-q", "-b", "main");
        git(dir, "config", "user.name", "Alice Example");
        git(dir, "config", "user.email", "alice@example.com");
        git(dir, "config", "commit.gpgsign", "false");
        return dir;
    }

    /** Writes the files (path, content, path, content, ...) and commits them all; returns the new sha. */
    public static String commit(Path repo, String message, String... pathsAndContents) throws IOException, InterruptedException {
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            Path file = repo.resolve(pathsAndContents[i]);
            Files.createDirectories(file.getParent());
            Files.writeString(file, pathsAndContents[i + 1]);
        }
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", message);
        return git(repo, "rev-parse", "HEAD");
    }

    /**
     * What a developer does in a minute: a commit, a branch with two, back to main for a hotfix, a
     * merge, then a new branch. Returns each commit made (the merge too) with the branch it was made
     * on, in order.
     */
    public static Map<String, String> quickCommitsSwitchesAndAMerge(Path repo) throws IOException, InterruptedException {
        Map<String, String> made = new LinkedHashMap<>();
        made.put(commit(repo, "validate order", "src/orders.py", "def place(order): check(order)\n"), "main");
        git(repo, "checkout", "-q", "-b", "feature/refunds");
        made.put(commit(repo, "refunds", "src/refunds.py", "def refund(): pass\n"), "feature/refunds");
        made.put(commit(repo, "refund limits", "src/refunds.py", "def refund(n): limit(n)\n"), "feature/refunds");
        git(repo, "checkout", "-q", "main");
        made.put(commit(repo, "hotfix", "README.md", "# shop\nhotfix\n"), "main");
        git(repo, "merge", "-q", "--no-edit", "feature/refunds");
        made.put(git(repo, "rev-parse", "HEAD"), "main");
        git(repo, "checkout", "-q", "-b", "next-task");
        return made;
    }

    /** Runs git and returns its trimmed output; fails the test when git fails. */
    public static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed in " + dir + ": " + output);
        }
        return output.trim();
    }
}
