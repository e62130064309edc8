package dev.braid.cli;

import dev.braid.cli.LocalJobs.Job;
import dev.braid.cli.baseline.FlinkRest;
import dev.braid.correlate.CorrelateJob;
import dev.braid.detect.DetectJob;
import dev.braid.normalize.NormalizeJob;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code braid deploy}: submits the job jars to a Flink session cluster over its REST API, each
 * with its {@code braid.*} options as program arguments and, if given, from a savepoint, and waits
 * until every task runs. What a user would otherwise type as three {@code flink run} lines.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Submit normalize, correlate and detect to a Flink session cluster, with their options, from savepoints if given.")
final class DeployCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ClusterJobs cluster;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A job option from the README's configuration table, e.g. --set braid.checkpoint-dir=s3://bucket/braid.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--from-savepoint", paramLabel = "JOB=PATH",
            description = "Start a job from this savepoint, e.g. --from-savepoint detect=s3://bucket/savepoints/savepoint-1a2b3c.")
    Map<Job, String> savepoints = new EnumMap<>(Job.class);

    @Option(names = "--jars", paramLabel = "DIR", description = "Where the job jars (braid-JOB-VERSION-job.jar) are"
            + " (default: the checkout's jobs/*/target, which 'mvn install' fills).")
    Path jars;

    @Option(names = "--create-topics", description = "Create missing topics (partitions and retention as documented).")
    boolean createTopics;

    @Option(names = "--parallelism", paramLabel = "N", description = "Each job's parallelism (default: the cluster's).")
    Integer parallelism;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2m",
            description = "How long each job may take to have all its tasks running (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> options = new LinkedHashMap<>(kafka.braidOptions());
        options.putAll(settings);
        LocalJobs.rejectForeignOptions(options);
        Duration wait = Durations.parse("--timeout", timeout);
        Map<Job, Path> jarOf = new EnumMap<>(Job.class);
        cluster.jobs.forEach(job -> jarOf.put(job, jar(job)));
        if (createTopics) {
            Brokers.createMissing(kafka.clientProperties(), LocalJobs.topics(options));
        }
        FlinkRest rest = new FlinkRest(cluster.flink);
        PrintWriter out = spec.commandLine().getOut();
        for (Job job : cluster.jobs) {
            String jobId = rest.runJar(rest.uploadJar(jarOf.get(job)), entryClass(job), programArgs(job, options),
                    savepoints.get(job), parallelism);
            rest.awaitRunning(jobId, wait);
            out.printf("braid: %s is running on %s as job %s%s%n", LocalJobs.name(job), cluster.flink, jobId,
                    savepoints.containsKey(job) ? ", from " + savepoints.get(job) : "");
            out.flush();
        }
        return 0;
    }

    /** The job's options as {@code --key value} pairs, which its main class reads over the cluster's configuration. */
    static List<String> programArgs(Job job, Map<String, String> options) {
        List<String> args = new ArrayList<>();
        LocalJobs.configOf(job, options).toMap().forEach((key, value) -> {
            args.add("--" + key);
            args.add(value);
        });
        return args;
    }

    static String entryClass(Job job) {
        return switch (job) {
            case NORMALIZE -> NormalizeJob.class.getName();
            case CORRELATE -> CorrelateJob.class.getName();
            case DETECT -> DetectJob.class.getName();
        };
    }

    /** The one braid-JOB-*-job.jar in --jars, or in the checkout's jobs/JOB/target. */
    private Path jar(Job job) {
        Path dir = jars != null ? jars
                : Path.of(System.getProperty("braid.home", ".")).resolve("jobs").resolve(LocalJobs.name(job)).resolve("target");
        String prefix = "braid-" + LocalJobs.name(job) + "-";
        List<Path> found;
        try (Stream<Path> files = Files.list(dir)) {
            found = files.filter(file -> file.getFileName().toString().startsWith(prefix)
                    && file.getFileName().toString().endsWith("-job.jar")).sorted().toList();
        } catch (IOException e) {
            throw new UserError("cannot list job jars in " + dir + ": build them with 'mvn install -DskipTests' or pass --jars DIR", e);
        }
        if (found.size() != 1) {
            throw new UserError((found.isEmpty() ? "no " : found.size() + " ") + prefix + "*-job.jar in " + dir
                    + (found.isEmpty() ? ": build it with 'mvn install -DskipTests' or pass --jars DIR" : ": keep one " + found));
        }
        return found.get(0);
    }

    /** The name the job's main class gives it on the cluster. */
    static String jobName(Job job) {
        return "braid-" + LocalJobs.name(job);
    }
}
