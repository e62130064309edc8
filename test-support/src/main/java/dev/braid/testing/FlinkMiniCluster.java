package dev.braid.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The MiniCluster every integration test class shares: one TaskManager with two slots, so
 * pipelines run at parallelism 2 with RocksDB state as in production.
 */
public final class FlinkMiniCluster {

    public static final int PARALLELISM = 2;

    private FlinkMiniCluster() {}

    public static MiniClusterExtension extension() {
        Configuration config = new Configuration();
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(PARALLELISM)
                        .setConfiguration(config)
                        .build());
    }
}
