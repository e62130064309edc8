package dev.braid.cli.ingest;

import dev.braid.cli.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Runs the {@code git} command in one directory. */
public final class Git {

    private record Output(int exitCode, String stdout, String stderr) {}

    private final Path dir;

    public Git(Path dir) {
        this.dir = dir;
    }

    Path directory() {
        return dir;
    }

    /** The top folder of the work tree, or empty outside a repository. */
    Optional<Path> topLevel() {
        return query("rev-parse", "--show-toplevel").map(Path::of);
    }

    /** The trimmed output, or empty when git fails: not a repository, no commit yet, or no git at all. */
    public Optional<String> query(String... args) {
        try {
            Output output = exec(args);
            String text = output.stdout().trim();
            return output.exitCode() == 0 && !text.isEmpty() ? Optional.of(text) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The output as git wrote it; a failure is a user error carrying git's own message. */
    String run(String... args) {
        Output output;
        try {
            output = exec(args);
        } catch (IOException e) {
            throw new UserError("cannot run git: " + e.getMessage(), e);
        }
        if (output.exitCode() != 0) {
            String message = output.stderr().strip();
            String reason = message.isEmpty() ? "exit code " + output.exitCode() : message.lines().findFirst().orElseThrow();
            throw new UserError("git " + args[0] + " failed in " + dir + ": " + reason);
        }
        return output.stdout();
    }

    private Output exec(String... args) throws IOException {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add("git");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
        process.getOutputStream().close();
        try (InputStream stdout = process.getInputStream(); InputStream stderr = process.getErrorStream()) {
            // Read stderr alongside: a full pipe would otherwise block git before it ends stdout.
            CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> readAll(stderr));
            byte[] output = stdout.readAllBytes();
            int exitCode = process.waitFor();
            return new Output(exitCode, new String(output, StandardCharsets.UTF_8),
                    new String(errors.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running git", e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
