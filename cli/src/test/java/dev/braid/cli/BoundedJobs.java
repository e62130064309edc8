package dev.braid.cli;

import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.Options;
import dev.braid.connectors.Topics;
import dev.braid.correlate.CorrelateConfig;
import dev.braid.correlate.CorrelateJob;
import dev.braid.detect.DetectConfig;
import dev.braid.detect.DetectJob;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.NormalizeJob;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.BoundedSources;
import dev.braid.testing.FlinkMiniCluster;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.UUID;

/**
 * The jobs one after the other over what their input topics hold now, each with its production
 * wiring: the end of a bounded input flushes every window and timer, so results are deterministic.
 */
final class BoundedJobs {

    private BoundedJobs() {}

    /** {@code config} with short checkpoints and group ids (transactional id prefixes) of its own. */
    static Configuration configure(Configuration config) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        config.set(Options.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        config.setString("braid.normalize.group-id", "normalize-" + run);
        config.setString("braid.correlate.group-id", "correlate-" + run);
        config.setString("braid.detect.group-id", "detect-" + run);
        return config;
    }

    static void normalize(Configuration config) throws Exception {
        NormalizeConfig normalize = NormalizeConfig.from(LocalJobs.configOf(LocalJobs.Job.NORMALIZE, config.toMap()));
        StreamExecutionEnvironment env = environment(normalize.checkpointInterval());
        NormalizeJob.wire(env, normalize, BoundedSources.raw(normalize.kafka().bootstrapServers(), normalize.topics()));
        env.execute("normalize (bounded)");
    }

    static void correlate(Configuration config) throws Exception {
        CorrelateConfig correlate = CorrelateConfig.from(LocalJobs.configOf(LocalJobs.Job.CORRELATE, config.toMap()));
        StreamExecutionEnvironment env = environment(correlate.checkpointInterval());
        CorrelateJob.wire(env, correlate, events(correlate.kafka().bootstrapServers(), correlate.topics()));
        env.execute("correlate (bounded)");
    }

    static void detect(Configuration config) throws Exception {
        DetectConfig detect = DetectConfig.from(LocalJobs.configOf(LocalJobs.Job.DETECT, config.toMap()));
        StreamExecutionEnvironment env = environment(detect.checkpointInterval());
        DetectJob.wire(env, detect, events(detect.kafka().bootstrapServers(), detect.topics()));
        env.execute("detect (bounded)");
    }

    private static org.apache.flink.api.connector.source.Source<NormalizedEvent, ?, ?> events(String bootstrapServers, Topics topics) {
        return BoundedSources.avro(bootstrapServers, topics.events(), NormalizedEvent.class);
    }

    private static StreamExecutionEnvironment environment(Duration checkpointInterval) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        JobDefaults.apply(env, checkpointInterval);
        return env;
    }
}
