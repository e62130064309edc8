package dev.braid.cli.ingest;

import dev.braid.cli.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The git post-commit hook that ships each new commit: a POSIX sh script starting
 * {@code braid ingest --commit HEAD} in the background and silently, so that it never fails or
 * slows a commit.
 */
final class GitHook {

    /** Tells Braid's hook from others: a new install replaces only Braid's. */
    static final String MARKER = "# Installed by 'braid ingest --git-hook'";

    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

    private GitHook() {}

    /** Installs the hook of the repository {@code dir} is in, running {@code command}; returns the hook's path. */
    static Path install(Path dir, List<String> command, boolean force) {
        Path top = new Git(dir).topLevel().orElseThrow(() -> new UserError(dir + " is not in a git repository"));
        // Asking git honours core.hooksPath and linked work trees, whose .git is a file.
        Path hooks = top.resolve(new Git(top).run("rev-parse", "--git-path", "hooks").strip());
        Path hook = hooks.resolve("post-commit");
        if (Files.exists(hook) && !force && !isBraids(hook)) {
            throw new UserError(hook + " exists and is not Braid's: add the line '" + commandLine(command)
                    + " >/dev/null 2>&1 &' to it yourself, or pass --force to replace it");
        }
        try {
            Files.createDirectories(hooks);
            Files.writeString(hook, script(command), StandardCharsets.UTF_8);
            // Only its owner may read it: the Kafka arguments may carry credentials.
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UserError("cannot write the hook " + hook + ": " + e.getMessage(), e);
        }
        return hook;
    }

    static String script(List<String> command) {
        return "#!/bin/sh\n"
                + MARKER + ": ships each new commit to Kafka.\n"
                + "# It runs in the background and silently, so that it never fails or slows a commit.\n"
                + commandLine(command) + " </dev/null >/dev/null 2>&1 &\n"
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
