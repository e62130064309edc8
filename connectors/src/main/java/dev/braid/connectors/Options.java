package dev.braid.connectors;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Options every job shares, and the checks that make a bad configuration fail at start. */
public final class Options {

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("braid.checkpoint-interval").durationType().defaultValue(Duration.ofSeconds(10))
                    .withDescription("Checkpoint interval; exactly-once output becomes visible at each checkpoint.");

    private Options() {}

    /**
     * A typo in a braid.* key would silently fall back to a default: refuse it, naming what the job
     * knows. Topic, Kafka connection and shared options are always known.
     */
    public static void rejectUnknownKeys(Configuration config, String job, Collection<ConfigOption<?>> jobOptions) {
        Set<String> known = new TreeSet<>();
        jobOptions.forEach(option -> known.add(option.key()));
        Topics.options().forEach(option -> known.add(option.key()));
        known.add(Topics.RAW_RETENTION.key());
        KafkaSettings.options().forEach(option -> known.add(option.key()));
        Checkpointing.options().forEach(option -> known.add(option.key()));
        List<String> unknown = new ArrayList<>();
        for (String key : config.keySet()) {
            if (key.startsWith("braid.") && !known.contains(key)
                    && !key.startsWith(KafkaSettings.CLIENT_PROPERTIES_PREFIX)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + unknown + "; the " + job + " job knows "
                    + known + " and " + KafkaSettings.CLIENT_PROPERTIES_PREFIX + "<kafka client property>");
        }
    }

    public static Duration positive(ReadableConfig config, ConfigOption<Duration> option) {
        Duration value = config.get(option);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option.key() + " = " + value + " must be positive, for example 5 s");
        }
        return value;
    }

    public static Duration notNegative(ReadableConfig config, ConfigOption<Duration> option) {
        Duration value = config.get(option);
        if (value.isNegative()) {
            throw new IllegalArgumentException(option.key() + " = " + value + " must not be negative");
        }
        return value;
    }
}
