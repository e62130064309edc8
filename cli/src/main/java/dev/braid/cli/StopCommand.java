package dev.braid.cli;

import dev.braid.cli.LocalJobs.Job;
import dev.braid.cli.baseline.FlinkRest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/**
 * {@code braid stop}: stops the jobs {@code braid deploy} started, each with a savepoint, as the
 * first half of an upgrade; prints the {@code --from-savepoint} flags that start them again from
 * where they stopped.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop the jobs on a Flink cluster, each with a savepoint, and print how to deploy them again from there.")
final class StopCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterJobs cluster;

    @Option(names = "--savepoint-dir", required = true, paramLabel = "DIR",
            description = "Where Flink writes the savepoints: a directory every JobManager and TaskManager reaches (s3://, file:///shared/...).")
    URI savepointDir;

    @Option(names = "--timeout", defaultValue = "5m", paramLabel = "DURATION",
            description = "How long each stop may take (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws InterruptedException {
        Duration wait = Durations.parse("--timeout", timeout);
        FlinkRest rest = new FlinkRest(cluster.flink);
        PrintWriter out = spec.commandLine().getOut();
        StringJoiner again = new StringJoiner(" ");
        for (Job job : cluster.jobs) {
            FlinkRest.Savepoint savepoint = rest.stopWithSavepoint(DeployCommand.jobName(job), savepointDir, wait);
            out.printf("braid: %s (job %s) stopped with savepoint %s%n", LocalJobs.name(job), savepoint.job().id(),
                    savepoint.location());
            out.flush();
            again.add("--from-savepoint " + LocalJobs.name(job) + "=" + savepoint.location());
        }
        out.println("braid: deploy them again from there with: ./braid deploy --flink " + cluster.flink + " ... " + again);
        out.flush();
        return 0;
    }
}
