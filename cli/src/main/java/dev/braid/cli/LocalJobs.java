package dev.braid.cli;

import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.Options;
import dev.braid.connectors.TopicSpec;
import dev.braid.connectors.Topics;
import dev.braid.correlate.CorrelateConfig;
import dev.braid.correlate.CorrelateJob;
import dev.braid.detect.DetectConfig;
import dev.braid.detect.DetectJob;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.NormalizeJob;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The jobs wired into one local Flink job, each exactly as its job jar wires it: their Kafka
 * sources and exactly-once sinks meet on the topics, just as separate deployments would.
 */
final class LocalJobs {

    enum Job { NORMALIZE, CORRELATE, DETECT }

    private static final List<String> SHARED_PREFIXES = List.of("braid.kafka.", "braid.topics.");

    private LocalJobs() {}

    /** Options a job takes: the shared ones and those under {@code braid.<job>.}. */
    static Configuration configOf(Job job, Map<String, String> options) {
        Map<String, String> own = new TreeMap<>();
        String prefix = "braid." + name(job) + ".";
        options.forEach((key, value) -> {
            if (key.startsWith(prefix) || SHARED_PREFIXES.stream().anyMatch(key::startsWith)
                    || key.equals(Options.CHECKPOINT_INTERVAL.key())) {
                own.put(key, value);
            }
        });
        return Configuration.fromMap(own);
    }

    /** Fails on a braid.* option that none of the jobs takes. */
    static void rejectForeignOptions(Map<String, String> options) {
        List<String> foreign = new ArrayList<>();
        for (String key : options.keySet()) {
            boolean known = key.equals(Options.CHECKPOINT_INTERVAL.key())
                    || SHARED_PREFIXES.stream().anyMatch(key::startsWith)
                    || EnumSet.allOf(Job.class).stream().anyMatch(job -> key.startsWith("braid." + name(job) + "."));
            if (!known) {
                foreign.add(key);
            }
        }
        if (!foreign.isEmpty()) {
            throw new UserError("unknown option(s) " + foreign + ": options start with braid.kafka., braid.topics.,"
                    + " braid.normalize., braid.correlate., braid.detect. or are braid.checkpoint-interval");
        }
    }

    /** A local Flink with RocksDB state and retained checkpoints under {@code stateDir}. */
    static StreamExecutionEnvironment environment(int parallelism, Path stateDir, Path restoreFrom, Duration checkpointInterval) {
        Configuration local = new Configuration();
        local.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, stateDir.resolve("checkpoints").toUri().toString());
        if (restoreFrom != null) {
            local.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, local);
        JobDefaults.apply(env, checkpointInterval);
        return env;
    }

    /** Wires the jobs; an invalid option fails here with the job's own message. */
    static void wire(StreamExecutionEnvironment env, Set<Job> jobs, Map<String, String> options) {
        rejectForeignOptions(options);
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

    static Duration checkpointInterval(Map<String, String> options) {
        return configOf(Job.NORMALIZE, options).get(Options.CHECKPOINT_INTERVAL);
    }

    private static String name(Job job) {
        return job.name().toLowerCase();
    }
}
