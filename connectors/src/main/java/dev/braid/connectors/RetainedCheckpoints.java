package dev.braid.connectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the checkpoints {@link JobDefaults} retains on cancel, to restart a job from where it
 * stood.
 */
public final class RetainedCheckpoints {

    private RetainedCheckpoints() {}

    /**
     * The newest completed checkpoint (a {@code chk-N} folder holding {@code _metadata}) under the
     * folder, across the job ids of earlier runs. Newest by time, not by N: a run started afresh
     * counts from 1 again.
     */
    public static Optional<Path> newest(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(path -> path.getFileName().toString().equals("_metadata"))
                    .filter(path -> path.getParent().getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingLong(RetainedCheckpoints::modified))
                    .map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for checkpoints under " + root, e);
        }
    }

    private static long modified(Path path) {
        try {
            return Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
