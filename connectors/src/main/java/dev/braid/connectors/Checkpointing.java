package dev.braid.connectors;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.TimeUtils;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a job checkpoints, validated against the sinks' transaction timeout at start: a transaction
 * opened just after a checkpoint is committed only when a later checkpoint completes, so it must
 * outlive every checkpoint that may fail in between, plus the time a failed job takes to come back.
 * Otherwise the broker aborts it and its output is lost without a trace.
 */
public final class Checkpointing implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final ConfigOption<Duration> INTERVAL = Options.CHECKPOINT_INTERVAL;

    public static final ConfigOption<String> DIRECTORY =
            ConfigOptions.key("braid.checkpoint-dir").stringType().noDefaultValue()
                    .withDescription("Durable directory for checkpoints (s3://, hdfs://, file:/// on shared storage);"
                            + " required by the job jars unless the cluster sets execution.checkpointing.dir.");

    public static final ConfigOption<Duration> TIMEOUT =
            ConfigOptions.key("braid.checkpoint-timeout").durationType().defaultValue(Duration.ofMinutes(1))
                    .withDescription("A checkpoint that takes longer is declared failed.");

    public static final ConfigOption<Duration> MIN_PAUSE =
            ConfigOptions.key("braid.checkpoint-min-pause").durationType().defaultValue(Duration.ofMillis(200))
                    .withDescription("Least time between the end of one checkpoint and the start of the next, so a slow"
                            + " checkpoint cannot starve processing.");

    public static final ConfigOption<Integer> TOLERABLE_FAILURES =
            ConfigOptions.key("braid.checkpoint-tolerable-failures").intType().defaultValue(2)
                    .withDescription("Consecutive failed checkpoints tolerated before the job restarts.");

    public static final ConfigOption<Duration> RESTART_BUDGET =
            ConfigOptions.key("braid.restart-budget").durationType().defaultValue(Duration.ofMinutes(5))
                    .withDescription("Longest time a failed job may take to restart and restore; its pre-committed"
                            + " transactions must survive it.");

    private final Duration interval;
    private final Duration timeout;
    private final Duration minPause;
    private final int tolerableFailures;
    private final Duration restartBudget;
    private final String directory;

    private Checkpointing(Duration interval, Duration timeout, Duration minPause, int tolerableFailures,
            Duration restartBudget, String directory) {
        this.interval = interval;
        this.timeout = timeout;
        this.minPause = minPause;
        this.tolerableFailures = tolerableFailures;
        this.restartBudget = restartBudget;
        this.directory = directory;
    }

    /** The options this class reads: shared by every job. */
    public static List<ConfigOption<?>> options() {
        return List.of(INTERVAL, DIRECTORY, TIMEOUT, MIN_PAUSE, TOLERABLE_FAILURES, RESTART_BUDGET);
    }

    /** Reads and checks the options; throws {@link IllegalArgumentException} saying what to fix. */
    public static Checkpointing from(ReadableConfig config, KafkaSettings kafka) {
        Duration interval = Options.positive(config, INTERVAL);
        Duration timeout = Options.positive(config, TIMEOUT);
        Duration minPause = Options.notNegative(config, MIN_PAUSE);
        int tolerable = config.get(TOLERABLE_FAILURES);
        if (tolerable < 0) {
            throw new IllegalArgumentException(TOLERABLE_FAILURES.key() + " = " + tolerable + " must not be negative");
        }
        Duration restartBudget = Options.notNegative(config, RESTART_BUDGET);
        Checkpointing checkpointing = new Checkpointing(interval, timeout, minPause, tolerable, restartBudget,
                config.getOptional(DIRECTORY).filter(dir -> !dir.isBlank()).orElse(null));
        checkpointing.requireTransactionsOutlive(kafka);
        return checkpointing;
    }

    /** Production defaults with another interval, for tests and local runs that set only that. */
    public static Checkpointing withInterval(Duration interval) {
        Configuration config = new Configuration();
        config.set(INTERVAL, interval);
        return new Checkpointing(interval, config.get(TIMEOUT), config.get(MIN_PAUSE), config.get(TOLERABLE_FAILURES),
                config.get(RESTART_BUDGET), null);
    }

    /**
     * The longest a transaction may stay open: from just after one checkpoint through the
     * tolerated failures to the checkpoint that completes, plus a restart before its commit.
     */
    public Duration longestOpenTransaction() {
        return interval.plus(minPause).plus(timeout).multipliedBy(tolerableFailures + 1L).plus(restartBudget);
    }

    private void requireTransactionsOutlive(KafkaSettings kafka) {
        Duration needed = longestOpenTransaction();
        if (kafka.transactionTimeout().compareTo(needed) <= 0) {
            throw new IllegalArgumentException(KafkaSettings.TRANSACTION_TIMEOUT.key() + " = " + TimeUtils.formatWithHighestUnit(kafka.transactionTimeout())
                    + " must exceed (" + TOLERABLE_FAILURES.key() + " + 1) x (" + INTERVAL.key() + " + " + MIN_PAUSE.key()
                    + " + " + TIMEOUT.key() + ") + " + RESTART_BUDGET.key() + " = " + TimeUtils.formatWithHighestUnit(needed)
                    + ", or a transaction pre-committed before a failure expires before the restarted job commits it and"
                    + " its output is lost: raise " + KafkaSettings.TRANSACTION_TIMEOUT.key() + " (above "
                    + KafkaSettings.BROKER_MAX_TRANSACTION_TIMEOUT.key() + " only after raising the brokers'"
                    + " transaction.max.timeout.ms) or shorten the checkpoint settings");
        }
    }

    /**
     * Fails unless checkpoints go to a durable directory, from {@link #DIRECTORY} or the cluster's
     * own {@code execution.checkpointing.dir}: without one, a cancelled job retains nothing.
     */
    public void requireDirectory(ReadableConfig cluster) {
        if (directory == null && cluster.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()) {
            throw new IllegalArgumentException(DIRECTORY.key() + " is missing: set it to a directory every JobManager and"
                    + " TaskManager reaches (s3://bucket/braid, hdfs:///braid, file:///shared/braid), or set "
                    + CheckpointingOptions.CHECKPOINTS_DIRECTORY.key() + " in the cluster's config.yaml; without it a"
                    + " cancelled or failed-over job keeps no checkpoint to restart from");
        }
    }

    public Duration interval() {
        return interval;
    }

    public Duration timeout() {
        return timeout;
    }

    public Duration minPause() {
        return minPause;
    }

    public int tolerableFailures() {
        return tolerableFailures;
    }

    public Optional<String> directory() {
        return Optional.ofNullable(directory);
    }
}
