package dev.braid.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The savepoints of released job versions, committed under {@code savepoints/compat/<job>/<version>/}
 * at the repository root: one canonical (relocatable) savepoint per job and release, which every
 * later version of the job must restore. A job's compatibility test writes its release's savepoint
 * when {@value #WRITE_PROPERTY} names the version, and restores each one {@link #versions} finds.
 */
public final class CompatSavepoints {

    /** {@code -Dbraid.compat.write=0.2.0}: the release whose savepoint the compatibility tests write. */
    public static final String WRITE_PROPERTY = "braid.compat.write";

    private static final Path COMPAT = Path.of("savepoints", "compat");
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");
    private static final String METADATA = "_metadata";

    private CompatSavepoints() {}

    /** The released versions of the job that have a committed savepoint, oldest first. */
    public static List<String> versions(String job) {
        Path jobDir = root().resolve(job);
        if (!Files.isDirectory(jobDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve(METADATA)))
                    .map(dir -> dir.getFileName().toString())
                    .filter(name -> VERSION.matcher(name).matches())
                    .sorted(CompatSavepoints::compareVersions)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The savepoint directory of the job's release, to restore from. */
    public static String path(String job, String version) {
        Path dir = root().resolve(job).resolve(version);
        if (!Files.isRegularFile(dir.resolve(METADATA))) {
            throw new IllegalArgumentException("no savepoint of " + job + " " + version + " under " + dir);
        }
        return dir.toString();
    }

    /** The version {@value #WRITE_PROPERTY} names. */
    public static String versionToWrite() {
        String version = System.getProperty(WRITE_PROPERTY, "");
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException(WRITE_PROPERTY + " = '" + version + "' must be a release version such as 0.2.0");
        }
        return version;
    }

    /**
     * Replaces the job's savepoint of that release with the given one (a path or a {@code file:} URI,
     * as Flink returns it) and returns where it now lives.
     */
    public static Path write(String job, String version, String savepoint) {
        Path from = savepoint.startsWith("file:") ? Path.of(URI.create(savepoint)) : Path.of(savepoint);
        Path to = root().resolve(job).resolve(version);
        try {
            deleteRecursively(to);
            Files.createDirectories(to);
            try (Stream<Path> files = Files.walk(from)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Path target = to.resolve(from.relativize(file).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + from + " to " + to, e);
        }
    }

    /** {@code savepoints/compat} of the repository, found upwards from the working directory (a module's basedir in Surefire). */
    private static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(COMPAT))) {
                return dir.resolve(COMPAT);
            }
        }
        throw new IllegalStateException(COMPAT + " not found in " + Path.of("").toAbsolutePath() + " or any parent");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Numerically by part, so 0.10.0 comes after 0.9.0. */
    private static int compareVersions(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < left.length; i++) {
            int order = Integer.compare(Integer.parseInt(left[i]), Integer.parseInt(right[i]));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }
}
