package dev.braid.cli;

import dev.braid.cli.LocalJobs.Job;

import picocli.CommandLine.Option;

import java.net.URI;
import java.util.EnumSet;
import java.util.Set;

/** {@code --flink} and {@code --jobs}: which of Braid's jobs a command handles on which cluster. */
final class ClusterJobs {

    @Option(names = "--flink", paramLabel = "URL", defaultValue = "${env:BRAID_FLINK_URL:-http://localhost:8081}",
            description = "The cluster's REST API (default: $BRAID_FLINK_URL, else http://localhost:8081).")
    URI flink;

    @Option(names = "--jobs", split = ",", paramLabel = "JOB", defaultValue = "normalize,correlate,detect",
            description = "Which jobs: ${COMPLETION-CANDIDATES} (default: all).")
    Set<Job> jobs = EnumSet.allOf(Job.class);
}
