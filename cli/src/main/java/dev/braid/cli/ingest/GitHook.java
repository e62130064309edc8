package dev.braid.cli.ingest;

import dev.braid.cli.UserError;
import dev.braid.normalize.redact.Redactor;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The git hooks that ship each new commit: POSIX sh scripts starting {@code braid ingest --commit}
 * in the background and silently, so that they never fail or slow a commit. post-commit runs for
 * each commit, and post-merge for a merge, which post-commit does not see. Each hook passes the
 * commit and branch it ran for, read as it runs: the JVM starts a second or two later, when HEAD
 * may be another commit already.
 */
final class GitHook {

    /** Tells Braid's hook from others: a new install replaces only Braid's. */
    static final String MARKER = "# Installed by 'braid ingest --git-hook'";

    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

    private GitHook() {}

    /** The hooks Braid installs: git runs post-commit for each commit but a merge's, post-merge after a merge. */
    enum Kind {
        POST_COMMIT("post-commit", ""),
        // A fast-forward makes no commit of its own; its commits were shipped where they were made.
        POST_MERGE("post-merge", "git rev-parse -q --verify HEAD^2 >/dev/null || exit 0\n");

        final String fileName;
        final String guard;

        Kind(String fileName, String guard) {
            this.fileName = fileName;
            this.guard = guard;
        }
    }

    /** Installs the hooks of the repository {@code dir} is in, running {@code command}; returns their paths. */
    static List<Path> install(Path dir, List<String> command, boolean force) {
        Path top = new Git(dir).topLevel().orElseThrow(() -> new UserError(dir + " is not in a git repository"));
        // Asking git honours core.hooksPath and linked work trees, whose .git is a file.
        Path hooks = top.resolve(new Git(top).run("rev-parse", "--git-path", "hooks").strip());
        List<Path> installed = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            Path hook = hooks.resolve(kind.fileName);
            if (Files.exists(hook) && !force && !isBraids(hook)) {
                throw new UserError(hook + " exists and is not Braid's: add the lines of " + kind.fileName
                        + " that 'braid ingest --git-hook --force' writes to it yourself, or pass --force to replace it");
            }
            installed.add(hook);
        }
        for (Kind kind : Kind.values()) {
            write(hooks, hooks.resolve(kind.fileName), script(command, kind));
        }
        return installed;
    }

    /**
     * Writes the hook to a file that is its owner's alone from the moment it exists, then moves it
     * into place: no other user can read it in between, and git never runs half a script.
     */
    private static void write(Path hooks, Path hook, String script) {
        try {
            Files.createDirectories(hooks);
            Path written = Files.createTempFile(hooks, "." + hook.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try {
                Files.writeString(written, script, StandardCharsets.UTF_8);
                Files.move(written, hook, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(written);
            }
        } catch (IOException e) {
            throw new UserError("cannot write the hook " + hook + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a client property that carries a credential (what Kafka types as a password, or a
     * value the redactor would mask): the hook would hold it in plain text.
     */
    static void requireNoCredential(String name, String value) {
        ConfigDef.ConfigKey key = ProducerConfig.configDef().configKeys().get(name);
        boolean password = key != null && key.type == ConfigDef.Type.PASSWORD;
        if (password || !new Redactor().redact(value).equals(value)) {
            throw new UserError("--git-hook would write -X " + name + " into the hook, and it carries a credential:"
                    + " put the Kafka client properties in a file only you can read and pass --kafka-config FILE"
                    + " (or set $BRAID_KAFKA_CONFIG); the hook names the file, not its contents");
        }
    }

    static String script(List<String> command, Kind kind) {
        return "#!/bin/sh\n"
                + MARKER + ": ships each new commit to Kafka.\n"
                + "# It runs in the background and silently, so that it never fails or slows a commit.\n"
                + "# The commit and branch are read now: by the time braid runs, HEAD may have moved on.\n"
                + kind.guard
                + "commit=$(git rev-parse -q --verify HEAD) || exit 0\n"
                + "branch=$(git symbolic-ref --short -q HEAD)\n"
                + commandLine(command) + " --commit \"$commit\" ${branch:+--branch \"$branch\"}"
                + " </dev/null >/dev/null 2>&1 &\n"
                + "exit 0\n";
    }

    private static boolean isBraids(Path hook) {
        try {
            return new String(Files.readAllBytes(hook), StandardCharsets.UTF_8).contains(MARKER);
        } catch (IOException e) {
            throw new UserError("cannot read the existing hook " + hook + ": " + e.getMessage(), e);
        }
    }

    private static String commandLine(List<String> command) {
        return command.stream().map(GitHook::quote).collect(Collectors.joining(" "));
    }

    /** A word for sh: as it is when plain, else in single quotes. */
    private static String quote(String word) {
        return PLAIN_WORD.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
