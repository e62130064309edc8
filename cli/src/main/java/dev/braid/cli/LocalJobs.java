package dev.braid.cli;

import dev.braid.connectors.Checkpointing;
import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.TopicSpec;
import dev.braid.connectors.RawInput;
import dev.braid.connectors.Topics;
import dev.braid.correlate.CorrelateConfig;
import dev.braid.correlate.CorrelateJob;
import dev.braid.detect.DetectConfig;
import dev.braid.detect.DetectJob;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.NormalizeJob;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The jobs wired into one local Flink job, each exactly as its job jar wires it: their Kafka
 * sources and exactly-once sinks meet on the topics, just as separate deployments would.
 */
final class LocalJobs {

    enum Job { NORMALIZE, CORRELATE, DETECT }

    private static final List<String> SHARED_PREFIXES = List.of("braid.kafka.", "braid.topics.");

    /** Options every job takes that are not under a shared prefix. */
    private static final Set<String> SHARED_KEYS = sharedKeys();

    /**
     * The instance id of local runs: their transactional ids never meet those of a cluster
     * deployment on its default, so neither fences the other's sinks.
     */
    static final String LOCAL_INSTANCE_ID = "local";

    private static final String PROMETHEUS_REPORTER = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    /** The REST API listens on the loopback only: anyone who reaches it can cancel the jobs. */
    private static final String REST_HOST = "localhost";
    /** RocksDB memory per slot: about what a 1 GiB task manager with default fractions gives each of its slots. */
    private static final MemorySize MANAGED_MEMORY_PER_SLOT = MemorySize.ofMebiBytes(160);

    private LocalJobs() {}

    /** Options a job takes: the shared ones and those under {@code braid.<job>.}. */
    static Configuration configOf(Job job, Map<String, String> options) {
        Map<String, String> own = new TreeMap<>();
        String prefix = "braid." + name(job) + ".";
        options.forEach((key, value) -> {
            if (key.startsWith(prefix) || SHARED_PREFIXES.stream().anyMatch(key::startsWith) || SHARED_KEYS.contains(key)) {
                own.put(key, value);
            }
        });
        return Configuration.fromMap(own);
    }

    /** Fails on a braid.* option that none of the jobs takes. */
    static void rejectForeignOptions(Map<String, String> options) {
        List<String> foreign = new ArrayList<>();
        for (String key : options.keySet()) {
            boolean known = SHARED_KEYS.contains(key)
                    || SHARED_PREFIXES.stream().anyMatch(key::startsWith)
                    || EnumSet.allOf(Job.class).stream().anyMatch(job -> key.startsWith("braid." + name(job) + "."));
            if (!known) {
                foreign.add(key);
            }
        }
        if (!foreign.isEmpty()) {
            throw new UserError("unknown option(s) " + foreign + ": options start with braid.kafka., braid.topics.,"
                    + " braid.normalize., braid.correlate., braid.detect. or are one of " + SHARED_KEYS);
        }
    }

    /**
     * A local Flink with RocksDB state and retained checkpoints under {@code stateDir}, starting
     * from {@code restorePath} (a savepoint or checkpoint as Flink names it, or null for none) and
     * serving its REST API on {@code localhost:restPort} (a port {@link #restPort} picked) and, unless
     * {@code metricsPort} is 0, every metric for Prometheus on {@code metricsPort}.
     */
    static StreamExecutionEnvironment environment(int parallelism, Path stateDir, String restorePath, Checkpointing checkpointing,
                                                  int restPort, int metricsPort) {
        Configuration local = new Configuration();
        // The local MiniCluster's 128 MiB default starves RocksDB's write buffers (every memtable
        // flushes at once); give each slot what a default task manager gives it.
        local.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY_PER_SLOT.multiply(parallelism));
        local.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, stateDir.resolve("checkpoints").toUri().toString());
        if (restorePath != null) {
            local.set(StateRecoveryOptions.SAVEPOINT_PATH, restorePath);
        }
        // The local environment's MiniCluster binds its REST API to a random port unless told one.
        local.set(RestOptions.BIND_ADDRESS, REST_HOST);
        local.set(RestOptions.ADDRESS, REST_HOST);
        local.set(RestOptions.BIND_PORT, String.valueOf(restPort));
        local.set(RestOptions.PORT, restPort);
        if (metricsPort > 0) {
            local.setString("metrics.reporter.prom.factory.class", PROMETHEUS_REPORTER);
            local.setString("metrics.reporter.prom.port", String.valueOf(metricsPort));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, local);
        JobDefaults.apply(env, checkpointing);
        return env;
    }

    /**
     * The port for the REST API: {@code requested} if it is free, any free one for 0. Flink's own
     * choice for 0 could not be printed: the local environment keeps its MiniCluster to itself.
     */
    static int restPort(String flag, int requested) {
        if (requested < 0 || requested > 65_535) {
            throw new UserError(flag + " " + requested + ": give a port from 1 to 65535, or 0 for any free port");
        }
        try (ServerSocket probe = new ServerSocket(requested, 1, InetAddress.getByName(REST_HOST))) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UserError(flag + " " + requested + ": port in use (another braid run?); pass " + flag + " 0 for any free port", e);
        }
    }

    static URI restUrl(int port) {
        return URI.create("http://" + REST_HOST + ":" + port);
    }

    /** Wires the jobs; an invalid option fails here with the job's own message. */
    static void wire(StreamExecutionEnvironment env, Set<Job> jobs, Map<String, String> given) {
        rejectForeignOptions(given);
        Map<String, String> options = withLocalInstanceId(given);
        try {
            if (jobs.contains(Job.NORMALIZE)) {
                NormalizeJob.wireKafka(env, NormalizeConfig.from(configOf(Job.NORMALIZE, options)));
            }
            if (jobs.contains(Job.CORRELATE)) {
                CorrelateJob.wireKafka(env, CorrelateConfig.from(configOf(Job.CORRELATE, options)));
            }
            if (jobs.contains(Job.DETECT)) {
                DetectJob.wireKafka(env, DetectConfig.from(configOf(Job.DETECT, options)));
            }
        } catch (IllegalArgumentException e) {
            throw new UserError("invalid configuration: " + e.getMessage(), e);
        }
    }

    /** Every topic the jobs read or write, with its partitions and retention. */
    static List<TopicSpec> topics(Map<String, String> options) {
        return Topics.from(configOf(Job.NORMALIZE, options)).all();
    }

    /** The topics the jobs cannot start without: all but the optional inputs'. */
    static List<String> requiredTopics(Map<String, String> options) {
        Topics topics = Topics.from(configOf(Job.NORMALIZE, options));
        return topics.all().stream().map(TopicSpec::name).filter(name -> !topics.optional().contains(name)).toList();
    }

    /** The topics the jobs read: the raw topics (the Collector's too) for normalize, the events for correlate and detect. */
    static List<String> inputTopics(Set<Job> jobs, Map<String, String> options) {
        Topics topics = Topics.from(configOf(Job.NORMALIZE, options));
        List<String> inputs = new ArrayList<>();
        if (jobs.contains(Job.NORMALIZE)) {
            EnumSet.allOf(RawInput.class).forEach(input -> inputs.add(topics.input(input)));
        }
        if (jobs.contains(Job.CORRELATE) || jobs.contains(Job.DETECT)) {
            inputs.add(topics.events());
        }
        return inputs;
    }

    /** The checkpoint settings every job shares, checked against the transaction timeout. */
    static Checkpointing checkpointing(Map<String, String> options) {
        Configuration config = configOf(Job.NORMALIZE, withLocalInstanceId(options));
        try {
            return Checkpointing.from(config, KafkaSettings.from(config));
        } catch (IllegalArgumentException e) {
            throw new UserError("invalid configuration: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> withLocalInstanceId(Map<String, String> options) {
        Map<String, String> local = new TreeMap<>(options);
        local.putIfAbsent(KafkaSettings.INSTANCE_ID.key(), LOCAL_INSTANCE_ID);
        return local;
    }

    private static Set<String> sharedKeys() {
        Set<String> keys = new TreeSet<>();
        Checkpointing.options().forEach(option -> keys.add(option.key()));
        keys.add(KafkaSettings.INSTANCE_ID.key());
        return keys;
    }

    /** The job's name in options, jar names and output: {@code normalize}, {@code correlate}, {@code detect}. */
    static String name(Job job) {
        return job.name().toLowerCase();
    }
}
