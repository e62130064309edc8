package dev.braid.testing;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import java.util.Map;

/**
 * The MiniCluster every integration test class shares: one TaskManager with two slots, so
 * pipelines run at parallelism 2 with RocksDB state as in production.
 */
public final class FlinkMiniCluster {

    public static final int PARALLELISM = 2;

    private FlinkMiniCluster() {}

    public static MiniClusterExtension extension() {
        return extension(new Configuration());
    }

    /** The shared cluster reporting every metric to {@code metrics}, for tests that assert what the jobs counted. */
    public static MiniClusterExtension extension(InMemoryReporter metrics) {
        return extension(metrics.addToConfiguration(new Configuration()));
    }

    /** The sum of the counters of that name over every operator and subtask of the job. */
    public static long counted(InMemoryReporter metrics, JobID job, String counter) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : metrics.getMetricsByGroup().entrySet()) {
            if (job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))
                    && group.getValue().get(counter) instanceof Counter count) {
                sum += count.getCount();
            }
        }
        return sum;
    }

    private static MiniClusterExtension extension(Configuration config) {
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(PARALLELISM)
                        .setConfiguration(config)
                        .build());
    }
}
