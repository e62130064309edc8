package dev.braid.cli.baseline;

import picocli.CommandLine.Option;

import java.net.URI;

/** {@code --flink URL}: the REST API of the Flink cluster a command talks to. */
public final class FlinkOption {

    @Option(names = "--flink", paramLabel = "URL", defaultValue = "${env:BRAID_FLINK_URL:-http://localhost:8081}",
            description = "Flink's REST API (default: $BRAID_FLINK_URL, else http://localhost:8081, where 'braid run' serves it).")
    URI url;

    public FlinkRest client() {
        return new FlinkRest(url);
    }
}
