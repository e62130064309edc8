package dev.braid.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The job jars this build made, copied to one folder as a user who downloaded them would have them. */
public final class JobJars {

    private JobJars() {}

    /** Copies jobs/JOB/target/braid-JOB-*-job.jar of the checkout (a module's parent folder) into {@code dir}. */
    public static Path copyTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String job : List.of("normalize", "correlate", "detect")) {
            Path target = Path.of("..", "jobs", job, "target");
            try (Stream<Path> files = Files.list(target)) {
                Path jar = files.filter(file -> file.getFileName().toString().endsWith("-job.jar")).findFirst()
                        .orElseThrow(() -> new AssertionError("no job jar in " + target + ": run mvn package first"));
                Files.copy(jar, dir.resolve(jar.getFileName()));
            }
        }
        return dir;
    }
}
