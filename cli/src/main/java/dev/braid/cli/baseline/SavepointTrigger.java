package dev.braid.cli.baseline;

import dev.braid.cli.Durations;

import picocli.CommandLine.Option;

import java.net.URI;

/**
 * {@code --flink URL}, {@code --job} and {@code --timeout}: which running job a command takes a
 * savepoint of through Flink's REST API, and how long it waits for it.
 */
public final class SavepointTrigger {

    @Option(names = "--flink", paramLabel = "URL", defaultValue = "${env:BRAID_FLINK_URL:-http://localhost:8081}",
            description = "Flink's REST API (default: $BRAID_FLINK_URL, else http://localhost:8081, where 'braid run' serves it).")
    URI url;

    @Option(names = "--job", paramLabel = "ID|NAME", description = "The Flink job (default: the one job running).")
    String job;

    @Option(names = "--timeout", defaultValue = "5m", paramLabel = "DURATION",
            description = "Give up waiting for the savepoint after this long (default: ${DEFAULT-VALUE}).")
    String timeout;

    /** Takes a savepoint of the job into the directory and waits for it; fails with one line. */
    public FlinkRest.Savepoint take(URI targetDirectory) throws InterruptedException {
        return new FlinkRest(url).savepoint(job, targetDirectory, Durations.parse("--timeout", timeout));
    }
}
