package dev.braid.cli;

import dev.braid.cli.LocalJobs.Job;
import dev.braid.connectors.TopicSpec;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The options and the life of the jobs on a local Flink against an external Kafka, until Ctrl-C:
 * {@code braid run} and {@code braid restore} share them and differ only in the state they start
 * from. Checkpoints are retained under {@code --state-dir}, so the next run can resume.
 */
public final class LocalRun {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--jobs", split = ",", paramLabel = "JOB", defaultValue = "normalize,correlate,detect",
            description = "Which jobs: ${COMPLETION-CANDIDATES} (default: all).")
    Set<Job> jobs = EnumSet.allOf(Job.class);

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A job option from the README's configuration table, e.g. --set braid.correlate.inactivity-gap=1m.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--rules-dir", paramLabel = "DIR", description = "Detection rule files (default: the bundled cep-rules).")
    Path rulesDir;

    @Option(names = "--create-topics", description = "Create missing topics (partitions and retention as documented).")
    boolean createTopics;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${sys:user.home}/.braid/run",
            description = "Checkpoints and RocksDB state (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--parallelism", defaultValue = "1", paramLabel = "N", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--rest-port", defaultValue = "8081", paramLabel = "PORT",
            description = "Port of Flink's REST API on localhost, which 'braid baseline save' talks to; 0 picks a free one"
                    + " (default: ${DEFAULT-VALUE}).")
    int restPort;

    @Option(names = "--metrics-port", defaultValue = "9249", paramLabel = "PORT",
            description = "Port of the Prometheus endpoint (/metrics) with every Flink and Braid metric; 0 turns it off"
                    + " (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    /** Where the run keeps checkpoints and RocksDB state. */
    public Path stateDir() {
        return stateDir;
    }

    /**
     * Runs the jobs until interrupted, then cancels them, keeping their last checkpoint.
     *
     * @param restorePath the savepoint or checkpoint to start from, as Flink names it; null starts
     *     from the topics' committed group offsets
     * @param origin how the start line says where the state came from, e.g. "resumed from …"; null
     *     when {@code restorePath} is
     */
    public int run(String restorePath, String origin) throws Exception {
        Map<String, String> options = options();
        int port = LocalJobs.restPort("--rest-port", restPort);
        StreamExecutionEnvironment env = LocalJobs.environment(parallelism, stateDir, restorePath,
                LocalJobs.checkpointing(options), port, metricsPort);
        LocalJobs.wire(env, jobs, options);
        List<TopicSpec> topics = LocalJobs.topics(options);
        if (createTopics) {
            Brokers.createMissing(kafka.clientProperties(), topics);
        }
        Brokers.requireTopics(kafka.clientProperties(), LocalJobs.requiredTopics(options));

        JobClient job = env.executeAsync("braid " + jobs);
        printStart(origin, LocalJobs.restUrl(port));
        Thread onCtrlC = new Thread(() -> cancel(job));
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            job.getJobExecutionResult().get();
            return 0;
        } catch (InterruptedException e) {
            cancel(job);
            Runtime.getRuntime().removeShutdownHook(onCtrlC);
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Committed records on the topics the jobs read with a timestamp at or after {@code time}, per
     * topic; an optional input that does not exist holds none.
     */
    public Map<String, Long> inputSince(Instant time) {
        Set<String> existing = Brokers.topicNames(kafka.clientProperties());
        List<String> inputs = LocalJobs.inputTopics(jobs, options()).stream().filter(existing::contains).toList();
        return Brokers.recordsSince(kafka.clientProperties(), inputs, time);
    }

    private void printStart(String origin, URI rest) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Running %s against %s%s; Flink REST API at %s;%s state in %s. Ctrl-C stops.%n", jobs,
                kafka.bootstrapServers(), origin == null ? "" : ", " + origin, rest,
                metricsPort == 0 ? "" : " metrics at http://localhost:" + metricsPort + "/metrics;", stateDir);
        out.flush();
    }

    private Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>(kafka.braidOptions());
        options.putAll(settings);
        if (rulesDir != null) {
            options.put("braid.detect.rules-dir", rulesDir.toAbsolutePath().toString());
        }
        return options;
    }

    /** Cancels the job; its last retained checkpoint is what the next run resumes from. */
    private static void cancel(JobClient job) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("braid: could not cancel the job cleanly: " + Failures.oneLine(e));
        }
    }
}
