package dev.braid.testing;

import dev.braid.connectors.JobDefaults;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Starts a job on the test MiniCluster with the production defaults and its checkpoints retained
 * in a folder, optionally restored from one of them: the two halves of a kill-and-restart test.
 */
public final class RestartableJobs {

    private RestartableJobs() {}

    public static JobClient start(Duration checkpointInterval, Path checkpoints, Consumer<StreamExecutionEnvironment> wiring)
            throws Exception {
        return start(checkpointInterval, checkpoints, wiring, SavepointRestoreSettings.none());
    }

    /** Restarts from the newest checkpoint retained in the folder. */
    public static JobClient restart(Duration checkpointInterval, Path checkpoints, Consumer<StreamExecutionEnvironment> wiring)
            throws Exception {
        return restartFrom(Checkpoints.latest(checkpoints).toString(), checkpointInterval, checkpoints, wiring);
    }

    /** Restarts from the given checkpoint or savepoint; all of its state must map to an operator. */
    public static JobClient restartFrom(String snapshot, Duration checkpointInterval, Path checkpoints,
            Consumer<StreamExecutionEnvironment> wiring) throws Exception {
        return start(checkpointInterval, checkpoints, wiring, SavepointRestoreSettings.forPath(snapshot, false));
    }

    private static JobClient start(Duration checkpointInterval, Path checkpoints,
            Consumer<StreamExecutionEnvironment> wiring, SavepointRestoreSettings restore) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        JobDefaults.apply(env, checkpointInterval);
        Configuration storage = new Configuration();
        storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        env.configure(storage);
        wiring.accept(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(restore);
        return env.executeAsync(graph);
    }
}
