package dev.braid.correlate;

import dev.braid.connectors.Checkpointing;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Options;
import dev.braid.connectors.Topics;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.TimeUtils;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * The correlate job's settings, from Flink configuration and {@code --key value} arguments,
 * validated at start with messages that name the key and what to use.
 */
public final class CorrelateConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("braid.correlate.group-id").stringType().defaultValue("braid-correlate")
                    .withDescription("Kafka consumer group of the events source; also the sinks' transactional id prefix.");

    public static final ConfigOption<Duration> INACTIVITY_GAP =
            ConfigOptions.key("braid.correlate.inactivity-gap").durationType().defaultValue(Duration.ofSeconds(30))
                    .withDescription("A trace closes when no event of it arrives for this long, in event time.");

    public static final ConfigOption<Duration> MAX_DURATION =
            ConfigOptions.key("braid.correlate.max-duration").durationType().defaultValue(Duration.ofMinutes(10))
                    .withDescription("A trace closes at the latest this long after its first event.");

    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            ConfigOptions.key("braid.correlate.allowed-lateness").durationType().defaultValue(Duration.ofMinutes(1))
                    .withDescription("After closing, a late event still yields a new version of its trace for this long.");

    public static final ConfigOption<Duration> BUNDLE_WINDOW =
            ConfigOptions.key("braid.correlate.bundle-window").durationType().defaultValue(Duration.ofSeconds(5))
                    .withDescription("An error bundle gathers events without a trace id this long before and after the error.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("braid.correlate.out-of-orderness").durationType().defaultValue(Duration.ofSeconds(5))
                    .withDescription("Bounded out-of-orderness of event-time watermarks.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("braid.correlate.idleness").durationType().defaultValue(Duration.ofSeconds(30))
                    .withDescription("A quiet partition stops holding back the watermark after this long.");

    public static final ConfigOption<MemorySize> MAX_TRACE_SIZE =
            ConfigOptions.key("braid.correlate.max-trace-size").memoryType().defaultValue(MemorySize.parse("25kb"))
                    .withDescription("Serialized size a trace is cut to, keeping its first error and causal chain.");

    public static final ConfigOption<Integer> MAX_COMMITS_PER_BRANCH =
            ConfigOptions.key("braid.correlate.max-commits-per-branch").intType().defaultValue(500)
                    .withDescription("Commits kept per repo and branch for commit attribution.");

    public static final ConfigOption<Duration> HISTORY_TTL =
            ConfigOptions.key("braid.correlate.history-ttl").durationType().defaultValue(Duration.ofDays(7))
                    .withDescription("How long commits and passing runs are remembered for commit attribution.");

    public static final ConfigOption<Duration> STATE_TTL =
            ConfigOptions.key("braid.correlate.state-ttl").durationType().defaultValue(Duration.ofDays(7))
                    .withDescription("Backstop for trace and bundle state whose timers were lost, in wall time; at least"
                            + " 1 day, longer than any lull of the input, since timers, not the TTL, close and clear state.");

    /** Shorter would let a weekend's lull expire what the event-time timers still need. */
    private static final Duration MIN_STATE_TTL = Duration.ofDays(1);

    private static final List<ConfigOption<?>> JOB_OPTIONS = List.of(GROUP_ID, INACTIVITY_GAP, MAX_DURATION,
            ALLOWED_LATENESS, BUNDLE_WINDOW, OUT_OF_ORDERNESS, IDLENESS, MAX_TRACE_SIZE, MAX_COMMITS_PER_BRANCH, HISTORY_TTL,
            STATE_TTL);

    private final Topics topics;
    private final KafkaSettings kafka;
    private final String groupId;
    private final Duration inactivityGap;
    private final Duration maxDuration;
    private final Duration allowedLateness;
    private final Duration bundleWindow;
    private final Duration outOfOrderness;
    private final Duration idleness;
    private final int maxTraceBytes;
    private final int maxCommitsPerBranch;
    private final Duration historyTtl;
    private final Duration stateTtl;
    private final Checkpointing checkpointing;

    private CorrelateConfig(Configuration config) {
        Options.rejectUnknownKeys(config, "correlate", JOB_OPTIONS);
        this.topics = Topics.from(config);
        this.kafka = KafkaSettings.from(config);
        this.groupId = config.get(GROUP_ID);
        this.inactivityGap = Options.positive(config, INACTIVITY_GAP);
        this.maxDuration = Options.positive(config, MAX_DURATION);
        this.allowedLateness = Options.notNegative(config, ALLOWED_LATENESS);
        this.bundleWindow = Options.positive(config, BUNDLE_WINDOW);
        this.outOfOrderness = Options.positive(config, OUT_OF_ORDERNESS);
        this.idleness = Options.positive(config, IDLENESS);
        this.historyTtl = Options.positive(config, HISTORY_TTL);
        this.stateTtl = config.get(STATE_TTL);
        if (stateTtl.compareTo(MIN_STATE_TTL) < 0) {
            throw new IllegalArgumentException(STATE_TTL.key() + " = " + TimeUtils.formatWithHighestUnit(stateTtl)
                    + " must be at least 1 d: it is wall time, and a lull longer than it would expire open traces and bundles");
        }
        this.checkpointing = Checkpointing.from(config, kafka);
        long traceBytes = config.get(MAX_TRACE_SIZE).getBytes();
        if (traceBytes < 2048 || traceBytes > 1024 * 1024) {
            throw new IllegalArgumentException(MAX_TRACE_SIZE.key() + " = " + traceBytes + " bytes must be between 2kb and 1mb");
        }
        this.maxTraceBytes = (int) traceBytes;
        this.maxCommitsPerBranch = config.get(MAX_COMMITS_PER_BRANCH);
        if (maxCommitsPerBranch < 1 || maxCommitsPerBranch > 10_000) {
            throw new IllegalArgumentException(MAX_COMMITS_PER_BRANCH.key() + " = " + maxCommitsPerBranch + " must be between 1 and 10000");
        }
        if (maxDuration.compareTo(inactivityGap) < 0) {
            throw new IllegalArgumentException(MAX_DURATION.key() + " = " + maxDuration + " must not be shorter than "
                    + INACTIVITY_GAP.key() + " = " + inactivityGap);
        }
    }

    public static CorrelateConfig from(Configuration config) {
        return new CorrelateConfig(config);
    }

    public Topics topics() { return topics; }
    public KafkaSettings kafka() { return kafka; }
    public String groupId() { return groupId; }
    public Duration inactivityGap() { return inactivityGap; }
    public Duration maxDuration() { return maxDuration; }
    public Duration allowedLateness() { return allowedLateness; }
    public Duration bundleWindow() { return bundleWindow; }
    public Duration outOfOrderness() { return outOfOrderness; }
    public Duration idleness() { return idleness; }
    public int maxTraceBytes() { return maxTraceBytes; }
    public int maxCommitsPerBranch() { return maxCommitsPerBranch; }
    public Duration historyTtl() { return historyTtl; }
    public Duration stateTtl() { return stateTtl; }

    /** Wall time without an event after which a trace closes if the watermark stood still meanwhile. */
    public Duration traceQuiet() { return inactivityGap.plus(idleness); }

    /** Wall time without an event after which open bundles are emitted if the watermark stood still. */
    public Duration bundleQuiet() { return bundleWindow.plus(idleness); }
    public Checkpointing checkpointing() { return checkpointing; }
    public Duration checkpointInterval() { return checkpointing.interval(); }
}
