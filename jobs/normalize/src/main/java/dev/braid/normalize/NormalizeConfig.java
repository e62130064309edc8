package dev.braid.normalize;

import dev.braid.connectors.Checkpointing;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Options;
import dev.braid.connectors.Topics;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * The normalize job's settings, read from Flink configuration and {@code --key value} arguments and
 * validated at start: a bad value stops the job with a message that says which key and what to use.
 */
public final class NormalizeConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("braid.normalize.group-id").stringType().defaultValue("braid-normalize")
                    .withDescription("Kafka consumer group of the raw sources (offsets are kept in checkpoints).");

    public static final ConfigOption<MemorySize> MAX_RECORD_SIZE =
            ConfigOptions.key("braid.normalize.max-record-size").memoryType().defaultValue(MemorySize.parse("1mb"))
                    .withDescription("Raw records larger than this go to dead letters as OVERSIZED.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("braid.normalize.out-of-orderness").durationType().defaultValue(Duration.ofSeconds(5))
                    .withDescription("How far behind the newest event an event may arrive and still be in order.");

    public static final ConfigOption<Duration> MAX_TIME_AHEAD =
            ConfigOptions.key("braid.normalize.max-time-ahead").durationType().defaultValue(Duration.ofMinutes(10))
                    .withDescription("An event time further ahead of its raw record's Kafka timestamp is a skewed clock:"
                            + " it is clamped to that timestamp and counted (eventTimesClamped).");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("braid.normalize.idleness").durationType().defaultValue(Duration.ofSeconds(30))
                    .withDescription("A quiet input stops holding back the watermark after this long.");

    public static final ConfigOption<Duration> DEDUP_TTL =
            ConfigOptions.key("braid.normalize.dedup-ttl").durationType().defaultValue(Duration.ofHours(24))
                    .withDescription("How long an event id is remembered to drop a replayed or retried duplicate.");

    /** Shared by every job; kept here so callers find it with the other normalize options. */
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = Options.CHECKPOINT_INTERVAL;

    private static final List<ConfigOption<?>> JOB_OPTIONS =
            List.of(GROUP_ID, MAX_RECORD_SIZE, OUT_OF_ORDERNESS, MAX_TIME_AHEAD, IDLENESS, DEDUP_TTL);

    private final Topics topics;
    private final KafkaSettings kafka;
    private final String groupId;
    private final long maxRecordBytes;
    private final Duration outOfOrderness;
    private final Duration maxTimeAhead;
    private final Duration idleness;
    private final Duration dedupTtl;
    private final Checkpointing checkpointing;

    private NormalizeConfig(Configuration config) {
        Options.rejectUnknownKeys(config, "normalize", JOB_OPTIONS);
        this.topics = Topics.from(config);
        this.kafka = KafkaSettings.from(config);
        this.groupId = config.get(GROUP_ID);
        this.maxRecordBytes = config.get(MAX_RECORD_SIZE).getBytes();
        this.outOfOrderness = Options.positive(config, OUT_OF_ORDERNESS);
        this.maxTimeAhead = Options.notNegative(config, MAX_TIME_AHEAD);
        this.idleness = Options.positive(config, IDLENESS);
        this.dedupTtl = Options.positive(config, DEDUP_TTL);
        this.checkpointing = Checkpointing.from(config, kafka);
        requireBetween(MAX_RECORD_SIZE, maxRecordBytes, 1024, 64L * 1024 * 1024, "1kb and 64mb");
    }

    /** Validates the configuration; throws {@link IllegalArgumentException} saying what to fix. */
    public static NormalizeConfig from(Configuration config) {
        return new NormalizeConfig(config);
    }

    private static void requireBetween(ConfigOption<?> option, long value, long min, long max, String range) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option.key() + " = " + value + " bytes must be between " + range);
        }
    }

    public Topics topics() {
        return topics;
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    public String groupId() {
        return groupId;
    }

    public long maxRecordBytes() {
        return maxRecordBytes;
    }

    public Duration outOfOrderness() {
        return outOfOrderness;
    }

    public Duration maxTimeAhead() {
        return maxTimeAhead;
    }

    public Duration idleness() {
        return idleness;
    }

    public Duration dedupTtl() {
        return dedupTtl;
    }

    public Checkpointing checkpointing() {
        return checkpointing;
    }

    public Duration checkpointInterval() {
        return checkpointing.interval();
    }
}
