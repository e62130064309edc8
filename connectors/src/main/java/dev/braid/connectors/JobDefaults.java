package dev.braid.connectors;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/** The environment settings every Braid job runs with, in production and in tests alike. */
public final class JobDefaults {

    /** How long a checkpoint stays aligned before its barriers overtake what backpressure buffered. */
    public static final Duration ALIGNED_CHECKPOINT_TIMEOUT = Duration.ofSeconds(10);

    private JobDefaults() {}

    /**
     * Exactly-once checkpoints, RocksDB state with incremental checkpoints retained on cancel (so a
     * cancelled job can be restarted from its last one), and fail-fast on missing uids and on any
     * type that would fall back to Kryo. Checkpoints time out, pause and tolerate failures as
     * {@link Checkpointing} says, which it checked against the sinks' transaction timeout.
     *
     * <p>Object reuse is on: chained operators hand each other the record itself instead of a deep
     * copy. That is safe because no Braid function changes a record after emitting it, nor one it
     * received from a chained operator: the one function that completes its input in place
     * ({@code CompleteFailedRequests}) is the first after a keyBy, which always deserializes a fresh one.
     */
    public static void apply(StreamExecutionEnvironment env, Checkpointing checkpointing) {
        Configuration config = new Configuration();
        config.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(PipelineOptions.OBJECT_REUSE, true);
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        config.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        config.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        config.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, checkpointing.timeout());
        config.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, checkpointing.minPause());
        config.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, checkpointing.tolerableFailures());
        // Under backpressure an aligned barrier waits behind every buffered record and the
        // checkpoint times out; after this long it overtakes them, their bytes stored with it.
        config.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
        config.set(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT, ALIGNED_CHECKPOINT_TIMEOUT);
        checkpointing.directory().ifPresent(dir -> config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir));
        env.configure(config);
        env.enableCheckpointing(checkpointing.interval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    }

    /** The defaults with production checkpoint settings but this interval: tests and benchmarks. */
    public static void apply(StreamExecutionEnvironment env, Duration checkpointInterval) {
        apply(env, Checkpointing.withInterval(checkpointInterval));
    }
}
