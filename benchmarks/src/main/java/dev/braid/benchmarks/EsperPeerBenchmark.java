package dev.braid.benchmarks;

import dev.braid.connectors.KafkaSettings;
import dev.braid.detect.DetectConfig;
import dev.braid.detect.rules.RuleFiles;
import dev.braid.detect.rules.agent.AgentLoop;
import dev.braid.detect.rules.ci.FailingBuilds;
import dev.braid.detect.rules.ci.SpotChurn;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Braid's detection against a peer engine on the same rules and events: the spot-churn,
 * agent-loop and failing-builds rules over one {@link RuleEventMix}, once in Esper 9.0 EPL on one
 * thread ({@link EsperPeer}) and once in Braid's detect job on a local Flink without Kafka
 * ({@link BraidDetection}). Each engine first runs a prefix of the events to warm the JIT, then
 * all of them, measured: wall time and the CPU time the whole JVM consumed (collector and compiler
 * threads included, for both). Prints events per second and per CPU-second of each, whether both
 * published the same alert records ({@link AlertRevision}), the first differences if not, and
 * Braid's per-core speed as a ratio of Esper's against the target of 0.5.
 *
 * <pre>mvn -B -q install -DskipTests && mvn -B -q -pl benchmarks exec:exec -Dbenchmark=dev.braid.benchmarks.EsperPeerBenchmark</pre>
 *
 * An argument (exec:exec's {@code -Dbenchmark.args=200000}) sets the number of events, 500,000 by default.
 */
public final class EsperPeerBenchmark {

    private static final int EVENTS = 500_000;
    private static final int WARMUP_EVENTS = 100_000;
    private static final long SEED = 15;
    private static final double TARGET = 0.5;
    private static final int DIFFERENCES_SHOWN = 5;
    private static final List<String> RULES = List.of(SpotChurn.RULE, AgentLoop.RULE, FailingBuilds.RULE);

    private record Measured(String engine, int events, double wallSeconds, double cpuSeconds, List<AlertRevision> alerts) {

        double perSecond() {
            return events / wallSeconds;
        }

        double perCpuSecond() {
            return events / cpuSeconds;
        }
    }

    private EsperPeerBenchmark() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : EVENTS;
        DetectConfig config = detectConfig(bundledRules());
        List<NormalizedEvent> events = RuleEventMix.generate(count, SEED);
        long span = events.get(count - 1).getEventTime().toEpochMilli() - events.get(0).getEventTime().toEpochMilli();
        System.out.printf("Esper peer benchmark: %s over %,d events (%.1f h of event time, seed %d)%n",
                String.join(", ", RULES), count, span / 3_600_000.0, SEED);
        System.out.printf("(cores: %d, max heap: %d MiB, java %s)%n%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));

        EsperPeer peer = EsperPeer.compile(config.rules());
        List<NormalizedEvent> warmup = events.subList(0, Math.min(WARMUP_EVENTS, count));
        peer.run(warmup);
        BraidDetection.run(config, warmup);
        Measured esper = measure("Esper 9.0 EPL, one thread", count, () -> peer.run(events));
        Measured braid = measure("Braid detect, local Flink (1 slot, RocksDB)", count, () -> BraidDetection.run(config, events));

        printThroughput(esper, braid);
        printAlerts(esper, braid);
        List<AlertRevision> onlyInBraid = missing(braid.alerts(), esper.alerts());
        List<AlertRevision> onlyInEsper = missing(esper.alerts(), braid.alerts());
        boolean identical = onlyInBraid.isEmpty() && onlyInEsper.isEmpty();
        System.out.printf("%nidentical alert records: %s%n", identical ? "yes" : "no");
        if (!identical) {
            printOnlyIn(braid, onlyInBraid);
            printOnlyIn(esper, onlyInEsper);
        }
        double ratio = braid.perCpuSecond() / esper.perCpuSecond();
        System.out.printf("%nBraid ÷ Esper, events per CPU-second: %.2f (target ≥ %.1f with identical alerts: %s)%n",
                ratio, TARGET, ratio >= TARGET && identical ? "met" : "not met");
    }

    /** The bundled files of the three rules, alone in a directory: the detect job then runs only them. */
    private static Path bundledRules() throws IOException {
        Path directory = Files.createTempDirectory("braid-peer-rules");
        directory.toFile().deleteOnExit();
        for (String rule : RULES) {
            Path file = directory.resolve(rule + ".yaml");
            try (InputStream in = EsperPeerBenchmark.class.getClassLoader().getResourceAsStream(RuleFiles.BUNDLED + rule + ".yaml")) {
                if (in == null) {
                    throw new IllegalStateException("rule file of " + rule + " is not bundled in the detect jar");
                }
                Files.copy(in, file);
            }
            file.toFile().deleteOnExit();
        }
        return directory;
    }

    private static DetectConfig detectConfig(Path rules) {
        Configuration settings = new Configuration();
        settings.set(DetectConfig.RULES_DIR, rules.toString());
        // DetectConfig requires a Kafka cluster's address even for a run that never connects to one.
        settings.set(KafkaSettings.BOOTSTRAP_SERVERS, "localhost:9092");
        // The source never idles. A long idleness keeps the lull rule, which applies findings by wall
        // time, out of a replay that runs much faster than its events' time.
        settings.set(DetectConfig.IDLENESS, Duration.ofMinutes(10));
        return DetectConfig.from(settings);
    }

    private static Measured measure(String engine, int events, Callable<List<AlertRevision>> run) throws Exception {
        System.gc();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        List<AlertRevision> alerts = run.call();
        double wall = (System.nanoTime() - wallBefore) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
        return new Measured(engine, events, wall, cpu, alerts);
    }

    private static void printThroughput(Measured... runs) {
        System.out.println("| engine | events | wall s | CPU s | events/s | events per CPU-second |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Measured run : runs) {
            System.out.printf("| %s | %,d | %.1f | %.1f | %,.0f | %,.0f |%n", run.engine(), run.events(), run.wallSeconds(),
                    run.cpuSeconds(), run.perSecond(), run.perCpuSecond());
        }
    }

    private static void printAlerts(Measured esper, Measured braid) {
        System.out.println();
        System.out.println("| rule | Braid alerts opened | Braid records | Esper alerts opened | Esper records |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String rule : RULES) {
            System.out.printf("| %s | %,d | %,d | %,d | %,d |%n", rule, opened(braid, rule), records(braid, rule),
                    opened(esper, rule), records(esper, rule));
        }
    }

    private static void printOnlyIn(Measured run, List<AlertRevision> only) {
        System.out.printf("  %,d only in %s%s%n", only.size(), run.engine(), only.isEmpty() ? "" : ", the first:");
        only.stream().limit(DIFFERENCES_SHOWN).forEach(alert -> System.out.println("    " + alert));
    }

    /** The records of {@code all} that {@code other} lacks, counting repeats, in order. */
    private static List<AlertRevision> missing(List<AlertRevision> all, List<AlertRevision> other) {
        Map<AlertRevision, Integer> left = new HashMap<>();
        other.forEach(alert -> left.merge(alert, 1, Integer::sum));
        List<AlertRevision> missing = new ArrayList<>();
        for (AlertRevision alert : sorted(all)) {
            if (left.merge(alert, -1, Integer::sum) < 0) {
                missing.add(alert);
            }
        }
        return missing;
    }

    private static long opened(Measured run, String rule) {
        return run.alerts().stream().filter(alert -> alert.rule().equals(rule) && alert.opens()).count();
    }

    private static long records(Measured run, String rule) {
        return run.alerts().stream().filter(alert -> alert.rule().equals(rule)).count();
    }

    private static List<AlertRevision> sorted(List<AlertRevision> alerts) {
        List<AlertRevision> sorted = new ArrayList<>(alerts);
        sorted.sort(null);
        return sorted;
    }
}
