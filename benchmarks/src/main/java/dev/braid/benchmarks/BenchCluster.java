package dev.braid.benchmarks;

import dev.braid.testing.FlinkMiniCluster;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One local Flink cluster for every job of a benchmark run, with RocksDB state and checkpoints in
 * directories the benchmark can measure, and every metric kept in memory so the benchmark can
 * read how many records each job's sources have emitted.
 */
final class BenchCluster implements AutoCloseable {

    /** Enough slots for the three jobs side by side at parallelism 2. */
    private static final int SLOTS = 6;
    /** RocksDB memory per slot, as a 1 GiB task manager with default fractions gives its slots. */
    private static final int MANAGED_MEMORY_PER_SLOT_MIB = 160;

    private static final long RESCAN_NANOS = Duration.ofSeconds(1).toNanos();

    private record CounterQuery(JobID job, Predicate<String> operators, String counter) {}

    private record FoundCounters(List<Counter> counters, long foundAt) {}

    /** Network buffers of a task manager of six slots; fewer slots get their share of it, 64 MiB at least. */
    private static final MemorySize NETWORK_MEMORY = MemorySize.ofMebiBytes(256);
    private static final MemorySize MIN_NETWORK_MEMORY = MemorySize.ofMebiBytes(64);
    private final InMemoryReporter metrics = InMemoryReporter.createWithRetainedMetrics();
    private final Map<CounterQuery, FoundCounters> foundCounters = new HashMap<>();
    private final Path stateDir;
    private final MiniCluster cluster;
    /** MiniCluster's indexes of the task managers not killed: a killed one keeps its index, a new one takes the next. */
    private final List<Integer> liveTaskManagers = new ArrayList<>();
    private int taskManagersStarted;

    BenchCluster() throws Exception {
        this(1, SLOTS);
    }

    /** A cluster of several task managers, for runs that kill one of them. */
    BenchCluster(int taskManagers, int slotsPerTaskManager) throws Exception {
        stateDir = Files.createTempDirectory("braid-bench-");
        Configuration config = metrics.addToConfiguration(new Configuration());
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        config.set(RestOptions.BIND_PORT, "0"); // any free port: two benchmarks may run at once
        // MiniCluster's default of 128 MiB leaves each of six slots too little for RocksDB's write
        // buffers, so every memtable flushes almost at once; a task manager's default is ~0.5 GiB.
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes((long) slotsPerTaskManager * MANAGED_MEMORY_PER_SLOT_MIB));
        // Its 64 MiB of network buffers, shared by three jobs of parallelism 2, ran out ("memory
        // usage 118 %"), and a step stalled for tens of seconds; a task manager's default is ~100 MiB.
        MemorySize network = new MemorySize(Math.max(MIN_NETWORK_MEMORY.getBytes(), NETWORK_MEMORY.getBytes() * slotsPerTaskManager / SLOTS));
        config.set(TaskManagerOptions.NETWORK_MEMORY_MIN, network);
        config.set(TaskManagerOptions.NETWORK_MEMORY_MAX, network);
        config.set(RocksDBOptions.LOCAL_DIRECTORIES, rocksDbDir().toString());
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir().toUri().toString());
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config).setNumTaskManagers(taskManagers).setNumSlotsPerTaskManager(slotsPerTaskManager).build());
        cluster.start();
        for (taskManagersStarted = 0; taskManagersStarted < taskManagers; taskManagersStarted++) {
            liveTaskManagers.add(taskManagersStarted);
        }
    }

    /** Submits a job wired by {@code wiring} at this parallelism and returns at once. */
    JobClient submit(String name, int parallelism, Consumer<StreamExecutionEnvironment> wiring) throws Exception {
        TestStreamEnvironment.setAsContext(cluster, parallelism);
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            wiring.accept(env);
            return env.executeAsync(name);
        } finally {
            TestStreamEnvironment.unsetAsContext();
        }
    }

    /**
     * How many records the job's sources whose operator name passes {@code source} have emitted so
     * far. Finding the counters walks every metric of every job run so far, which cost the polling
     * benchmark 15 % of its CPU in a JFR profile, so they are found again at most once a second (a
     * source task that starts later is seen by then) and read from the list in between.
     */
    long emitted(JobID job, Predicate<String> source) {
        return records(new CounterQuery(job, source, "numRecordsOut"));
    }

    /** How many records the job's operators whose name passes {@code operator} have received so far; as {@link #emitted}. */
    long received(JobID job, Predicate<String> operator) {
        return records(new CounterQuery(job, operator, "numRecordsIn"));
    }

    private long records(CounterQuery query) {
        FoundCounters known = foundCounters.get(query);
        if (known == null || System.nanoTime() - known.foundAt() > RESCAN_NANOS) {
            known = new FoundCounters(findCounters(query), System.nanoTime());
            foundCounters.put(query, known);
        }
        long sum = 0;
        for (Counter counter : known.counters()) {
            sum += counter.getCount();
        }
        return sum;
    }

    /** The job's counters named {@code name} per operator, summed over subtasks. */
    Map<String, Long> countedByOperator(JobID job, String name) {
        Map<String, Long> counts = new TreeMap<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : metrics.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            if (job.toString().equals(variables.get("<job_id>")) && group.getValue().get(name) instanceof Counter count
                    && count.getCount() > 0) {
                counts.merge(variables.get("<operator_name>"), count.getCount(), Long::sum);
            }
        }
        return counts;
    }

    /** The job's gauges named {@code name} (RocksDB's, one per column family, among them) per operator, summed over subtasks. */
    Map<String, Long> gaugedByOperator(JobID job, String name) {
        Map<String, Long> sums = new TreeMap<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : metrics.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            if (job.toString().equals(variables.get("<job_id>"))
                    && group.getValue().get(name) instanceof Gauge<?> gauge && gauge.getValue() instanceof Number value) {
                sums.merge(variables.get("<operator_name>"), value.longValue(), Long::sum);
            }
        }
        return sums;
    }

    /** The job's latest completed checkpoint as Flink reports it; null before the first. */
    CompletedCheckpointStats latestCheckpoint(JobID job) throws Exception {
        return cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot().getHistory().getLatestCompletedCheckpoint();
    }

    /** How many checkpoints of the job completed. */
    long completedCheckpoints(JobID job) throws Exception {
        return cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot().getCounts().getNumberOfCompletedCheckpoints();
    }

    /** The sum of the job's counters named {@code name}, over all its operators and subtasks. */
    long counted(JobID job, String name) {
        return FlinkMiniCluster.counted(metrics, job, name);
    }

    private List<Counter> findCounters(CounterQuery query) {
        List<Counter> found = new ArrayList<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : metrics.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            String operator = variables.get("<operator_name>");
            if (query.job().toString().equals(variables.get("<job_id>")) && operator != null && query.operators().test(operator)
                    && group.getValue().get(query.counter()) instanceof Counter count) {
                found.add(count);
            }
        }
        return found;
    }

    /** The bytes of a canonical savepoint of the job's state, taken as soon as all its tasks run. */
    long savepointBytes(JobClient job) throws Exception {
        Path target = Files.createTempDirectory(stateDir, "savepoint-");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                job.triggerSavepoint(target.toUri().toString(), SavepointFormatType.CANONICAL).get();
                return bytesUnder(target);
            } catch (ExecutionException notAllRunning) {
                if (System.nanoTime() > deadline) {
                    throw notAllRunning;
                }
                Thread.sleep(200); // a retry interval: the condition is the savepoint's success
            }
        }
    }

    private Path rocksDbDir() {
        return stateDir.resolve("rocksdb");
    }

    private Path checkpointDir() {
        return stateDir.resolve("checkpoints");
    }

    /** The size of the job's local RocksDB instances, one directory {@code job_<id>_op_...} per operator and subtask. */
    long rocksDbBytes(JobID job) {
        try (Stream<Path> instances = Files.list(rocksDbDir())) {
            return instances.filter(dir -> dir.getFileName().toString().startsWith("job_" + job + "_"))
                    .mapToLong(BenchCluster::bytesUnder).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** The size of the job's retained checkpoints, the incremental ones' shared files included. */
    long checkpointBytes(JobID job) {
        return bytesUnder(checkpointDir().resolve(job.toString()));
    }

    static long bytesUnder(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // RocksDB and checkpoints delete files while we count
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /**
     * Ends the {@code n}th live task manager at once (modulo their number): its tasks fail, and
     * their jobs restart from their last checkpoint.
     */
    void killTaskManager(int n) throws Exception {
        int index = liveTaskManagers.remove(n % liveTaskManagers.size());
        cluster.terminateTaskManager(index).get();
    }

    /** Starts a fresh task manager, as an orchestrator replaces a killed one. */
    void startTaskManager() throws Exception {
        cluster.startTaskManager();
        liveTaskManagers.add(taskManagersStarted++);
    }

    static void cancelAll(List<JobClient> jobs) throws Exception {
        for (JobClient job : jobs) {
            job.cancel().get();
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
