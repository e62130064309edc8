package dev.braid.cli.baseline;

import dev.braid.cli.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removes a baseline's savepoint folder from the local file system. */
public final class SavepointFiles {

    private SavepointFiles() {}

    /**
     * Deletes the baseline's savepoint folder and says what became of it. Only a folder holding
     * Flink's {@code _metadata} is deleted, so a hand-edited catalog cannot point this at any other
     * folder; a savepoint on a remote file system is left to the cluster's tools.
     */
    static String delete(Baseline baseline) {
        Path dir = baseline.localSavepoint().orElse(null);
        if (dir == null) {
            return "its savepoint " + baseline.savepoint() + " is not on this machine: delete it with the cluster's tools";
        }
        if (!Files.exists(dir)) {
            return "its savepoint " + dir + " was already gone";
        }
        if (!Files.isRegularFile(dir.resolve("_metadata"))) {
            return "kept " + dir + ": it holds no _metadata, so it is not a savepoint";
        }
        deleteTree(dir);
        return "deleted its savepoint " + dir;
    }

    /** Deletes the folder and everything in it. */
    public static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path path : deepestFirst) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UserError("cannot delete savepoint " + dir + ": " + e.getMessage(), e);
        }
    }
}
