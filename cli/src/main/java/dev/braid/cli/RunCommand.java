package dev.braid.cli;

import dev.braid.connectors.RetainedCheckpoints;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code braid run}: the jobs on a local Flink against an external Kafka, until Ctrl-C. A new run
 * resumes from the last retained checkpoint under {@code --state-dir}, so stopping and starting
 * again neither loses nor repeats output.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the jobs on a local Flink against your Kafka; Ctrl-C stops, the next run resumes.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    LocalRun local;

    @Option(names = "--fresh", description = "Start from the topics' committed group offsets, ignoring earlier checkpoints.")
    boolean fresh;

    @Override
    public Integer call() throws Exception {
        Path checkpoint = fresh ? null : RetainedCheckpoints.newest(local.stateDir().resolve("checkpoints")).orElse(null);
        return checkpoint == null
                ? local.run(null, null)
                : local.run(checkpoint.toUri().toString(), "resumed from " + checkpoint);
    }
}
