package dev.braid.benchmarks;

import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.KafkaSettings;
import dev.braid.correlate.CorrelateConfig;
import dev.braid.correlate.CorrelatePipeline;
import dev.braid.detect.DetectConfig;
import dev.braid.detect.DetectPipeline;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;
import dev.braid.testing.Events;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.util.ratelimit.GuavaRateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.state.rocksdb.RocksDBNativeMetricOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * State at scale: correlate fed 10,000,000 distinct trace ids, and detect 100,000 distinct keys
 * of its rules, each job alone on RocksDB in a local cluster with production checkpoints. The input
 * comes from a generator inside the job, not a broker, so that what is measured is the state.
 *
 * <p>After the keyed input, a trickle of few keys at a time carries event time on past every gap, window
 * and lateness of the job, as a live input does; the keyed state and the checkpoint must then be
 * back to the few keys of the trickle. Prints the state (RocksDB's estimated keys and live bytes,
 * all column families, timers included) and the latest checkpoint's full size as the run goes,
 * then the peak and the end, and the bytes of a canonical savepoint at the end: the live state
 * alone, which RocksDB's files reach only as compaction drops what was deleted.
 *
 * <pre>mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl benchmarks exec:exec -Dbenchmark=dev.braid.benchmarks.StateAtScale
 *     [-Dbenchmark.args="--traces 10000000 --keys 100000"]</pre>
 */
public final class StateAtScale {

    /** Correlate's traces arrive 1,000 a second of event time: a busy deployment. */
    private static final long TRACE_SPACING_MILLIS = 1;
    /** Detect's events: ten per key, two of each of five kinds, 100 a second of event time. */
    private static final int EVENTS_PER_KEY = 10;
    private static final long DETECT_SPACING_MILLIS = 10;
    /**
     * The trickle after the keyed input: an event every 100 ms of event time, of short traces
     * (a trace of thousands of events costs a rewrite of all of them per event) and a few agent
     * tasks.
     */
    private static final long TRICKLE_SPACING_MILLIS = 100;
    /** Detect's trickle runs 25 h on: an event a second of event time. */
    private static final long DETECT_TRICKLE_SPACING_MILLIS = 1_000;
    private static final int TRICKLE_EVENTS_PER_TRACE = 10;
    private static final double TRICKLE_PER_SECOND = 500;
    private static final int TRICKLE_KEYS = 4;
    /**
     * How far event time runs on after the keyed input: past correlate's inactivity gap, max
     * duration and allowed lateness (30 s, 10 min, 1 min), and past detect's longest rule window
     * (flaky-test's 24 h).
     */
    private static final Duration CORRELATE_QUIET = Duration.ofHours(1);
    private static final Duration DETECT_QUIET = Duration.ofHours(25);
    private static final Duration CHECKPOINTS = Duration.ofSeconds(10);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(2);
    private static final Duration PRINT_EVERY = Duration.ofSeconds(30);
    private static final AvroTypeInfo<NormalizedEvent> EVENT_TYPE = new AvroTypeInfo<>(NormalizedEvent.class);

    /** One look at a job's state; the keys per operator too. */
    record Sample(Duration at, long emitted, Map<String, Long> keysByOperator, long liveBytes, long checkpointBytes) {

        long keys() {
            return keysByOperator.values().stream().mapToLong(Long::longValue).sum();
        }

        /**
         * The later sample's time and count, the largest of each figure, and the keys per operator
         * of the sample with the most keys.
         */
        static Sample max(Sample a, Sample b) {
            return new Sample(b.at, b.emitted, a.keys() >= b.keys() ? a.keysByOperator : b.keysByOperator,
                    Math.max(a.liveBytes, b.liveBytes), Math.max(a.checkpointBytes, b.checkpointBytes));
        }
    }

    /** What a run found: the peak of each figure, the end, and the live state's bytes at the end. */
    record Result(String job, String input, long keyedEvents, Sample peak, Sample end, long savepointBytes, Duration took) {}

    private StateAtScale() {}

    public static void main(String[] args) throws Exception {
        List<String> flags = Arrays.asList(String.join(" ", args).trim().split("\\s+"));
        long traces = longFlag(flags, "--traces", 10_000_000);
        int keys = (int) longFlag(flags, "--keys", 100_000);
        System.out.printf("Braid state at scale, %s (cores: %d, max heap: %d MiB, java %s)%n%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        List<Result> results = new ArrayList<>();
        try (BenchCluster cluster = new BenchCluster()) {
            results.add(run(cluster, "correlate", String.format("%,d distinct trace ids", traces), traces, correlateEvents(traces),
                    CORRELATE_QUIET.toMillis() / TRICKLE_SPACING_MILLIS, StateAtScale::wireCorrelate));
            results.add(run(cluster, "detect", String.format("%,d distinct keys", keys), (long) keys * EVENTS_PER_KEY, detectEvents(keys),
                    DETECT_QUIET.toMillis() / DETECT_TRICKLE_SPACING_MILLIS, StateAtScale::wireDetect));
        }
        printTable(results);
        System.exit(0); // Flink's and RocksDB's threads would keep the JVM up
    }

    /**
     * Runs one job on {@code events} until the {@code trickle} events after the keyed ones have
     * carried event time on past the job's gaps and windows, and two more checkpoints completed;
     * samples its state all along.
     */
    private static Result run(BenchCluster cluster, String name, String input, long keyedEvents,
            GeneratorFunction<Long, NormalizedEvent> events, long trickle, Wiring wiring) throws Exception {
        System.out.printf("%s: %s, %,d events, then %,d events of a trickle ...%n", name, input, keyedEvents, trickle);
        DataGeneratorSource<NormalizedEvent> source =
                new DataGeneratorSource<>(events, Long.MAX_VALUE, new KeyedThenTrickle(keyedEvents), EVENT_TYPE);
        JobClient job = cluster.submit("braid-" + name + " at scale", 1, env -> {
            JobDefaults.apply(env, CHECKPOINTS);
            env.configure(rocksDbEstimates());
            wiring.wire(env, source);
        });
        long started = System.nanoTime();
        Sample peak = null;
        Sample sample;
        long checkpointsAtQuiet = -1;
        long printed = 0;
        while (true) {
            Thread.sleep(SAMPLE_EVERY.toMillis()); // a sampling interval: the condition is the checkpoints counted below
            sample = sample(cluster, job, started);
            peak = peak == null ? sample : Sample.max(peak, sample);
            if (sample.at().toNanos() - printed >= PRINT_EVERY.toNanos()) {
                printed = sample.at().toNanos();
                System.out.printf("  %4d s  %,13d events  %,12d keys  %,15d live bytes  %,15d checkpoint bytes%n",
                        sample.at().toSeconds(), sample.emitted(), sample.keys(), sample.liveBytes(), sample.checkpointBytes());
            }
            long completed = cluster.completedCheckpoints(job.getJobID());
            if (checkpointsAtQuiet < 0 && sample.emitted() >= keyedEvents + trickle) {
                checkpointsAtQuiet = completed;
            } else if (checkpointsAtQuiet >= 0 && completed >= checkpointsAtQuiet + 2) {
                break;
            }
        }
        long savepoint = cluster.savepointBytes(job);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        job.cancel().get();
        job.getJobExecutionResult().handle((result, cancelled) -> result).get(); // the next job gets its slot
        return new Result(name, input, keyedEvents, peak, sample, savepoint, took);
    }

    private static Sample sample(BenchCluster cluster, JobClient job, long started) throws Exception {
        CompletedCheckpointStats checkpoint = cluster.latestCheckpoint(job.getJobID());
        return new Sample(Duration.ofNanos(System.nanoTime() - started),
                cluster.emitted(job.getJobID(), name -> name.matches("(Source: )?events")),
                cluster.gaugedByOperator(job.getJobID(), "rocksdb.estimate-num-keys"),
                cluster.gaugedByOperator(job.getJobID(), "rocksdb.estimate-live-data-size").values().stream().mapToLong(Long::longValue).sum(),
                checkpoint == null ? 0 : checkpoint.getStateSize());
    }


    private static Configuration rocksDbEstimates() {
        Configuration config = new Configuration();
        config.set(RocksDBNativeMetricOptions.ESTIMATE_NUM_KEYS, true);
        config.set(RocksDBNativeMetricOptions.ESTIMATE_LIVE_DATA_SIZE, true);
        return config;
    }

    /**
     * The keyed input as fast as the job takes it, then the trickle at a live input's pace of wall
     * time: correlate holds a trace whose watermark jumped past it for a minute of wall time after
     * its last event (its events may still be arriving), so a trickle as fast as a catch-up would
     * be held in the same way.
     */
    private record KeyedThenTrickle(long keyed) implements RateLimiterStrategy<NumberSequenceSource.NumberSequenceSplit> {

        @Override
        public RateLimiter<NumberSequenceSource.NumberSequenceSplit> createRateLimiter(int parallelism) {
            GuavaRateLimiter<NumberSequenceSource.NumberSequenceSplit> trickle = new GuavaRateLimiter<>(TRICKLE_PER_SECOND);
            return new RateLimiter<>() {
                private long acquired;

                @Override
                public CompletionStage<Void> acquire(int permits) {
                    acquired += permits;
                    return acquired <= keyed ? CompletableFuture.completedFuture(null) : trickle.acquire(permits);
                }
            };
        }
    }

    /** Wires a job's pipeline to the generated events, its outputs discarded. */
    @FunctionalInterface
    private interface Wiring {
        void wire(StreamExecutionEnvironment env, DataGeneratorSource<NormalizedEvent> events);
    }

    private static void wireCorrelate(StreamExecutionEnvironment env, DataGeneratorSource<NormalizedEvent> events) {
        CorrelatePipeline.define(env, CorrelateConfig.from(jobOptions()), events, new DiscardingSink<>(), new DiscardingSink<>());
    }

    private static void wireDetect(StreamExecutionEnvironment env, DataGeneratorSource<NormalizedEvent> events) {
        Map<AlertFamily, Sink<Alert>> alerts = new EnumMap<>(AlertFamily.class);
        for (AlertFamily family : AlertFamily.values()) {
            alerts.put(family, new DiscardingSink<>());
        }
        DetectPipeline.define(env, DetectConfig.from(jobOptions()), events, alerts, new DiscardingSink<>());
    }

    /** The jobs' defaults. They name a broker, which the generated source and the discarding sinks never reach. */
    private static Configuration jobOptions() {
        Configuration options = new Configuration();
        options.set(KafkaSettings.BOOTSTRAP_SERVERS, "127.0.0.1:9");
        return options;
    }

    /** Trace i of {@code traces}, one backend line each; after them the trickle of short traces. */
    private static GeneratorFunction<Long, NormalizedEvent> correlateEvents(long traces) {
        return i -> {
            if (i < traces) {
                return Events.traced("e" + i, String.format("%032x", i), i * TRACE_SPACING_MILLIS);
            }
            long j = i - traces;
            return Events.traced("t" + j, String.format("f%031x", j / TRICKLE_EVENTS_PER_TRACE),
                    traces * TRACE_SPACING_MILLIS + j * TRICKLE_SPACING_MILLIS);
        };
    }

    /**
     * Event i of the keyed input: key (i / 5) mod {@code keys}, kind i mod 5, so each key gets two
     * of each kind, far apart: an agent attempt (agent-loop's task), a failed workflow job
     * (failing-builds' repository), a test result (flaky-test's test and commit, test-regression's
     * and the baseline's test), a runner launch (spot-churn's job), an error line (error-to-success'
     * signature, the baseline's error). After them, the trickle: agent attempts of a few tasks.
     */
    private static GeneratorFunction<Long, NormalizedEvent> detectEvents(int keys) {
        long keyed = (long) keys * EVENTS_PER_KEY;
        return i -> {
            if (i >= keyed) {
                long j = i - keyed;
                return Events.agentAttempt("t" + j, keyed * DETECT_SPACING_MILLIS + j * DETECT_TRICKLE_SPACING_MILLIS,
                        "trickle-" + j % TRICKLE_KEYS, "sig-" + j, (int) (j / TRICKLE_KEYS) % 3 + 1);
            }
            String id = "e" + i;
            long at = i * DETECT_SPACING_MILLIS;
            long key = (i / 5) % keys;
            int round = (int) (i / (5L * keys));
            return switch ((int) (i % 5)) {
                case 0 -> Events.agentAttempt(id, at, "task-" + key, "sig-" + key + "-" + round, round + 1);
                case 1 -> Events.workflowJob(id, at, "acme/repo-" + key, "run-" + key + "-" + round, "build", "failure");
                case 2 -> Events.testResult(id, at, "acme/repo-" + key, "main", "test-" + key, "c" + round,
                        round % 2 == 0 ? TestStatus.PASSED : TestStatus.FAILED);
                case 3 -> Events.runnerLaunched(id, at, "i-" + key + "-" + round, "job-" + key, "us-east-2");
                default -> Events.errorLog(id, at, "svc-" + key, "connection refused by db-" + key);
            };
        };
    }

    private static long longFlag(List<String> flags, String name, long otherwise) {
        int at = flags.indexOf(name);
        return at < 0 ? otherwise : Long.parseLong(flags.get(at + 1).replace("_", ""));
    }

    private static void printTable(List<Result> results) {
        System.out.printf("%n| job | input | figure | peak | end |%n|---|---|---|---:|---:|%n");
        for (Result r : results) {
            System.out.printf("| %s | %s | keys in RocksDB (estimate) | %,d | %,d |%n", r.job(), r.input(), r.peak().keys(), r.end().keys());
            System.out.printf("| %s | %s | live bytes in RocksDB (estimate) | %,d | %,d |%n", r.job(), r.input(),
                    r.peak().liveBytes(), r.end().liveBytes());
            System.out.printf("| %s | %s | latest checkpoint, full size | %,d | %,d |%n", r.job(), r.input(),
                    r.peak().checkpointBytes(), r.end().checkpointBytes());
        }
        System.out.println();
        for (Result r : results) {
            System.out.printf("%s: canonical savepoint at the end %,d bytes; %,d keyed events in %d s%n", r.job(), r.savepointBytes(),
                    r.keyedEvents(), r.took().toSeconds());
        }
        for (Result r : results) {
            System.out.printf("%n%s, keys per operator (estimate):%n| operator | at the peak | at the end |%n|---|---:|---:|%n", r.job());
            Set<String> operators = new TreeSet<>(r.peak().keysByOperator().keySet());
            operators.addAll(r.end().keysByOperator().keySet());
            for (String operator : operators) {
                System.out.printf("| %s | %,d | %,d |%n", operator, r.peak().keysByOperator().getOrDefault(operator, 0L),
                        r.end().keysByOperator().getOrDefault(operator, 0L));
            }
        }
    }
}
