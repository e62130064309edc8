package dev.braid.cli;

import dev.braid.cli.LocalJobs.Job;
import dev.braid.connectors.ConsumerGroups;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Options;
import dev.braid.connectors.Topics;
import dev.braid.detect.DetectConfig;
import dev.braid.embedded.EmbeddedKafka;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.schema.Source;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Braid on an in-JVM Kafka broker and a local Flink: normalize, correlate and detect run together
 * while the shop-app scenario is replayed, with live progress; then the alerts and the broken
 * checkout's correlated trace are printed, read back as {@code braid observe} reads them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run normalize, correlate and detect on an embedded Kafka broker and a local Flink,"
                + " replay a shop app's broken checkout, and print the alerts and the correlated trace.")
final class DemoCommand implements Callable<Integer> {

    /**
     * A partition is idle after this long without records. Longer than saving a baseline takes, so
     * that the replay's pauses never leave one partition's records behind another's watermark.
     */
    private static final Duration IDLENESS = Duration.ofSeconds(10);
    /** Output settles once the last trace closed and the last alert passed the watermark: after idleness. */
    private static final Duration QUIET = IDLENESS.plusSeconds(5);
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    private static final String BASELINE = "demo-healthy";
    private static final String BROKEN = "demo-broken";

    /** Where {@code braid baseline save} looks by default; a demo that ends needs no fixed port. */
    private static final int FOLLOW_REST_PORT = 8081;
    private static final int FOLLOW_METRICS_PORT = 9249;

    @Spec
    CommandSpec spec;

    @Option(names = "--speed", defaultValue = "120", paramLabel = "FACTOR",
            description = "Replay this many times faster than the scenario's 42 minutes happened (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--follow", description = "Keep the broker and the jobs running after the replay; Ctrl-C stops.")
    boolean follow;

    @Option(names = "--parallelism", defaultValue = "1", paramLabel = "N", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--rest-port", paramLabel = "PORT",
            description = "Port of Flink's REST API on localhost, for 'braid baseline save'; 0 picks a free one"
                    + " (default: 8081 with --follow, else a free one).")
    Integer restPort;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Port of the Prometheus endpoint (/metrics) with every Flink and Braid metric; 0 turns it off"
                    + " (default: 9249 with --follow, else off).")
    Integer metricsPort;

    @Option(names = "--timeout", defaultValue = "5m", paramLabel = "DURATION",
            description = "Give up waiting for the results after this long (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws Exception {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--speed " + speed + " must be a positive number");
        }
        Duration giveUpAfter = Durations.parse("--timeout", timeout);
        int port = LocalJobs.restPort("--rest-port", restPort != null ? restPort : follow ? FOLLOW_REST_PORT : 0);
        int metrics = metricsPort != null ? metricsPort : follow ? FOLLOW_METRICS_PORT : 0;
        PrintWriter out = spec.commandLine().getOut();
        out.println("Starting an in-JVM Kafka broker ...");
        out.flush();
        try (EmbeddedKafka kafka = startQuietly()) {
            Map<String, String> options = options(kafka.bootstrapServers());
            kafka.createTopics(LocalJobs.topics(options));
            Topics topics = Topics.from(LocalJobs.configOf(Job.NORMALIZE, options));
            Path state = Files.createTempDirectory("braid-demo");
            StreamExecutionEnvironment env = LocalJobs.environment(parallelism, state, null, LocalJobs.checkpointing(options), port, metrics);
            LocalJobs.wire(env, EnumSet.allOf(Job.class), options);
            JobClient job = env.executeAsync("braid demo: normalize + correlate + detect");
            out.println("Running normalize, correlate and detect on a local Flink (RocksDB state, exactly-once checkpoints every 1 s)");

            Instant start = Instant.now().minusMillis(DemoScenario.SPAN_MILLIS).truncatedTo(ChronoUnit.SECONDS);
            List<DemoScenario.Step> steps = DemoScenario.steps(topics, start);
            Path catalog = state.resolve("baselines.json");
            URI rest = LocalJobs.restUrl(port);
            try (Progress progress = Progress.start(kafka.bootstrapServers(), topics, out)) {
                replay(steps, 0, DemoScenario.BASELINE_AT, kafka.bootstrapServers(), progress);
                awaitProcessed(kafka.bootstrapServers(), topics, giveUpAfter);
                braid(out, "Saving the healthy state as a baseline", "baseline", "save", BASELINE, "--note",
                        "before the checkout change", "--flink", rest.toString(), "--catalog", catalog.toString());
                replay(steps, DemoScenario.BASELINE_AT, DemoScenario.BROKEN_AT, kafka.bootstrapServers(), progress);
                awaitProcessed(kafka.bootstrapServers(), topics, giveUpAfter);
                braid(out, "Saving the broken state too, before the fix", "baseline", "save", BROKEN, "--note",
                        "checkout failing", "--flink", rest.toString(), "--catalog", catalog.toString());
                replay(steps, DemoScenario.BROKEN_AT, Long.MAX_VALUE, kafka.bootstrapServers(), progress);
                out.printf("Replayed %d raw records; waiting for the last traces and alerts ...%n", steps.size());
                out.flush();
                if (!progress.awaitQuiet(QUIET, giveUpAfter)) {
                    out.println("Stopped waiting after " + timeout + "; showing what arrived so far.");
                }
            }
            report(out, kafka.bootstrapServers());
            braid(out, "What regressed between the two baselines", "analyze", "regression", "--baseline", BASELINE,
                    "--against", BROKEN, "--catalog", catalog.toString());
            if (follow) {
                followUntilInterrupted(out, kafka.bootstrapServers(), LocalJobs.restUrl(port), metrics, job);
            } else {
                job.cancel().get();
            }
        }
        return 0;
    }

    /** Kafka's storage formatter prints its bootstrap metadata to stdout, which a newcomer need not read. */
    private static EmbeddedKafka startQuietly() {
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return EmbeddedKafka.start();
        } finally {
            System.setOut(stdout);
        }
    }

    /** The demo's settings: 1 s checkpoints and watermarks that keep up with a fast replay. */
    static Map<String, String> options(String bootstrapServers) {
        Map<String, String> options = new TreeMap<>();
        options.put(KafkaSettings.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        options.put(Options.CHECKPOINT_INTERVAL.key(), CHECKPOINT_INTERVAL.toSeconds() + " s");
        for (String job : List.of("normalize", "correlate", "detect")) {
            options.put("braid." + job + ".out-of-orderness", "1 s");
            options.put("braid." + job + ".idleness", IDLENESS.toSeconds() + " s");
        }
        return options;
    }

    /** Replays the steps from {@code from} (inclusive) to {@code until} (exclusive), paced from {@code from}. */
    private void replay(List<DemoScenario.Step> all, long from, long until, String bootstrapServers, Progress progress)
            throws InterruptedException {
        List<DemoScenario.Step> steps = all.stream().filter(step -> step.offsetMillis() >= from && step.offsetMillis() < until).toList();
        Properties producer = new Properties();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> kafka = new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer())) {
            long began = System.nanoTime();
            for (DemoScenario.Step step : steps) {
                long due = began + (long) ((step.offsetMillis() - from) * 1_000_000 / speed);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                kafka.send(step.record());
                progress.rawSent();
            }
            kafka.flush();
        }
    }

    /**
     * Waits until detect has checkpointed everything replayed so far: normalize consumed the raw
     * topics, its transactions committed, and detect consumed the events. A savepoint then holds it.
     */
    private static void awaitProcessed(String bootstrapServers, Topics topics, Duration timeout) throws InterruptedException {
        ConsumerGroups.awaitConsumed(bootstrapServers, NormalizeConfig.GROUP_ID.defaultValue(),
                Arrays.stream(Source.values()).map(topics::raw).toList(), timeout);
        // The events normalize wrote commit with the same checkpoint; give the commit one interval to land.
        Thread.sleep(CHECKPOINT_INTERVAL.toMillis());
        ConsumerGroups.awaitConsumed(bootstrapServers, DetectConfig.GROUP_ID.defaultValue(), List.of(topics.events()), timeout);
    }

    /** Runs a braid command as a user would, under a heading that shows the command. */
    private void braid(PrintWriter out, String heading, String... command) {
        out.printf("%n== %s (./braid %s) ==%n", heading, String.join(" ", shown(command)));
        out.flush();
        Braid.commandLine().setOut(out).setErr(spec.commandLine().getErr()).execute(command);
        out.flush();
    }

    /** The command without the demo's own --flink and --catalog, which the user's defaults replace. */
    private static List<String> shown(String[] command) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < command.length; i++) {
            if (command[i].equals("--flink") || command[i].equals("--catalog")) {
                i++;
            } else {
                shown.add(command[i].contains(" ") ? "'" + command[i] + "'" : command[i]);
            }
        }
        return shown;
    }

    private static void followUntilInterrupted(PrintWriter out, String bootstrapServers, URI rest, int metricsPort, JobClient job)
            throws Exception {
        out.printf("%nBraid keeps running on Kafka at %s, Flink's REST API at %s%s. In another terminal:%n", bootstrapServers, rest,
                metricsPort == 0 ? "" : ", metrics at http://localhost:" + metricsPort + "/metrics");
        out.printf("  ./braid observe timeline --bootstrap-servers %s --since all%n", bootstrapServers);
        out.printf("  ./braid ingest --bootstrap-servers %s --tail app.log%n", bootstrapServers);
        out.printf("  ./braid baseline save demo --flink %s%n", rest);
        out.println("Ctrl-C stops.");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            job.cancel();
            stopped.countDown();
        }));
        stopped.await();
    }

    /** What {@code braid observe} shows of the run: the alerts and the broken checkout's trace. */
    private void report(PrintWriter out, String bootstrapServers) {
        out.printf("%n== Alerts (./braid observe alerts --since all) ==%n");
        observe(out, "alerts", "--since", "all", "--bootstrap-servers", bootstrapServers);
        out.printf("%n== The broken checkout (./braid observe trace %s --since all) ==%n", DemoScenario.CHECKOUT_TRACE_ID);
        observe(out, "trace", DemoScenario.CHECKOUT_TRACE_ID, "--since", "all", "--bootstrap-servers", bootstrapServers);
    }

    private void observe(PrintWriter out, String... args) {
        out.flush();
        String[] command = new String[args.length + 1];
        command[0] = "observe";
        System.arraycopy(args, 0, command, 1, args.length);
        Braid.commandLine().setOut(out).setErr(spec.commandLine().getErr()).execute(command);
        out.flush();
    }
}
