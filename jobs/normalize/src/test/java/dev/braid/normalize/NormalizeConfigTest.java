package dev.braid.normalize;

import dev.braid.connectors.Checkpointing;
import dev.braid.schema.Source;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NormalizeConfigTest {

    private static final String BOOTSTRAP = "braid.kafka.bootstrap-servers";

    @Test
    void bootstrapServersAloneGiveAValidConfigurationWithTheDefaults() {
        NormalizeConfig config = NormalizeConfig.from(config(Map.of(BOOTSTRAP, "kafka-1:9092,kafka-2:9092")));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(config.kafka().transactionTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.groupId()).isEqualTo("braid-normalize");
        assertThat(config.maxRecordBytes()).isEqualTo(1024 * 1024);
        assertThat(config.outOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.idleness()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.dedupTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.topics().raw(Source.BACKEND)).isEqualTo("braid.raw.backend");
        assertThat(config.topics().events()).isEqualTo("braid.events");
        assertThat(config.topics().deadLetters()).isEqualTo("braid.dead-letters");
    }

    @Test
    void explicitValuesOverrideTheDefaults() {
        NormalizeConfig config = NormalizeConfig.from(config(Map.of(
                BOOTSTRAP, "localhost:9092",
                "braid.normalize.max-record-size", "64kb",
                "braid.normalize.out-of-orderness", "2 s",
                "braid.normalize.dedup-ttl", "1 h",
                "braid.topics.raw.browser", "rum.raw")));

        assertThat(config.maxRecordBytes()).isEqualTo(64 * 1024);
        assertThat(config.outOfOrderness()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.dedupTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.topics().raw(Source.BROWSER)).isEqualTo("rum.raw");
    }

    @Test
    void missingBootstrapServersIsRejectedNamingTheKey() {
        assertRejected(Map.of(), BOOTSTRAP);
    }

    @Test
    void misspelledBraidKeyIsRejectedInsteadOfFallingBackToADefault() {
        assertRejected(Map.of(BOOTSTRAP, "localhost:9092", "braid.normalize.dedup-tll", "1 h"),
                "braid.normalize.dedup-tll");
    }

    @Test
    void illegalTopicNameIsRejectedNamingTheKey() {
        assertRejected(Map.of(BOOTSTRAP, "localhost:9092", "braid.topics.events", "bad topic!"),
                "braid.topics.events", "bad topic!");
    }

    @Test
    void twoTopicsWithTheSameNameAreRejected() {
        assertRejected(Map.of(BOOTSTRAP, "localhost:9092",
                        "braid.topics.events", "braid.shared",
                        "braid.topics.dead-letters", "braid.shared"),
                "braid.topics", "braid.shared");
    }

    @Test
    void maxRecordSizeBelowOneKilobyteIsRejected() {
        assertRejected(Map.of(BOOTSTRAP, "localhost:9092", "braid.normalize.max-record-size", "512b"),
                "braid.normalize.max-record-size", "1kb");
    }

    @Test
    void zeroOutOfOrdernessIsRejected() {
        assertRejected(Map.of(BOOTSTRAP, "localhost:9092", "braid.normalize.out-of-orderness", "0 s"),
                "braid.normalize.out-of-orderness", "must be positive");
    }

    @Test
    void checkpointIntervalNotShorterThanTheTransactionTimeoutIsRejected() {
        assertRejected(Map.of(BOOTSTRAP, "localhost:9092",
                        "braid.checkpoint-interval", "5 min",
                        "braid.kafka.transaction-timeout", "5 min"),
                "braid.checkpoint-interval", "braid.kafka.transaction-timeout");
        assertRejected(Map.of(BOOTSTRAP, "localhost:9092", "braid.checkpoint-interval", "11 min"),
                "braid.checkpoint-interval", "braid.kafka.transaction-timeout");
    }

    @Test
    void transactionTimeoutAboveTheBrokersFifteenMinuteLimitIsRejected() {
        assertRejected(Map.of(BOOTSTRAP, "localhost:9092", "braid.kafka.transaction-timeout", "16 min"),
                "braid.kafka.transaction-timeout", "15 min");
    }

    @Test
    void transactionTimeoutThatCannotOutliveFailedCheckpointsAndARestartIsRejectedNamingWhatToRaise() {
        // (2 tolerated failures + 1) x (10 s + 200 ms + 2 min) + 5 min restart = 11 min 30.6 s > 10 min
        assertRejected(Map.of(BOOTSTRAP, "localhost:9092", "braid.checkpoint-timeout", "2 min"),
                "braid.kafka.transaction-timeout = 10 min", "braid.checkpoint-tolerable-failures",
                "braid.restart-budget", "transaction.max.timeout.ms");
    }

    @Test
    void brokersThatAllowLongerTransactionsAcceptALongerTimeout() {
        NormalizeConfig config = NormalizeConfig.from(config(Map.of(BOOTSTRAP, "localhost:9092",
                "braid.kafka.broker-max-transaction-timeout", "1 h",
                "braid.kafka.transaction-timeout", "30 min",
                "braid.checkpoint-timeout", "5 min")));

        assertThat(config.kafka().transactionTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.checkpointing().timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.checkpointing().longestOpenTransaction()).isLessThan(Duration.ofMinutes(30));
    }

    @Test
    void checkpointSettingsAreExplicitByDefault() {
        Checkpointing checkpointing = NormalizeConfig.from(config(Map.of(BOOTSTRAP, "localhost:9092"))).checkpointing();

        assertThat(checkpointing.timeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(checkpointing.minPause()).isEqualTo(Duration.ofMillis(200));
        assertThat(checkpointing.tolerableFailures()).isEqualTo(2);
        assertThat(checkpointing.directory()).isEmpty();
    }

    @Test
    void aJobJarWithoutACheckpointDirectoryFailsAtStartNamingTheKey() {
        Checkpointing checkpointing = NormalizeConfig.from(config(Map.of(BOOTSTRAP, "localhost:9092"))).checkpointing();

        assertThatThrownBy(() -> checkpointing.requireDirectory(new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("braid.checkpoint-dir is missing")
                .hasMessageContaining("execution.checkpointing.dir");
    }

    @Test
    void aCheckpointDirectoryFromTheJobOrTheClusterSatisfiesTheJobJar() {
        Checkpointing own = NormalizeConfig.from(config(Map.of(BOOTSTRAP, "localhost:9092",
                "braid.checkpoint-dir", "s3://bucket/braid"))).checkpointing();
        Checkpointing clusters = NormalizeConfig.from(config(Map.of(BOOTSTRAP, "localhost:9092"))).checkpointing();
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "hdfs:///flink/checkpoints");

        own.requireDirectory(new Configuration());
        clusters.requireDirectory(cluster);
        assertThat(own.directory()).contains("s3://bucket/braid");
    }

    @Test
    void eachDeploymentHasTransactionalIdsOfItsOwn() {
        NormalizeConfig cluster = NormalizeConfig.from(config(Map.of(BOOTSTRAP, "localhost:9092")));
        NormalizeConfig staging = NormalizeConfig.from(config(Map.of(BOOTSTRAP, "localhost:9092",
                "braid.instance-id", "staging")));

        assertThat(cluster.kafka().transactionalIdPrefix(cluster.groupId(), "events")).isEqualTo("braid-normalize-cluster-events");
        assertThat(staging.kafka().transactionalIdPrefix(staging.groupId(), "events")).isEqualTo("braid-normalize-staging-events");
        assertThat(cluster.kafka().transactionalIdPrefix(cluster.groupId(), "events")).isNotEqualTo(cluster.groupId());
    }

    @Test
    void anInstanceIdThatCannotBeATransactionalIdIsRejected() {
        assertRejected(Map.of(BOOTSTRAP, "localhost:9092", "braid.instance-id", "my team"), "braid.instance-id");
    }

    @Test
    void commandLineArgumentsAreReadAsConfiguration() {
        NormalizeConfig config = NormalizeJob.configFromArgs(new String[] {"--braid.kafka.bootstrap-servers", "localhost:9092"});

        assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.kafka().clientProperties()).containsEntry("bootstrap.servers", "localhost:9092");
    }

    @Test
    void invalidCommandLineArgumentsSayTheConfigurationIsInvalid() {
        assertThatThrownBy(() -> NormalizeJob.configFromArgs(new String[] {
                        "--braid.kafka.bootstrap-servers", "localhost:9092", "--braid.normalize.idleness", "0 s"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid normalize configuration: ")
                .hasMessageContaining("braid.normalize.idleness");
    }

    @Test
    void kafkaClientPropertiesPassThroughUnderTheirOwnNames() {
        NormalizeConfig config = NormalizeConfig.from(config(Map.of(
                BOOTSTRAP, "broker:9093",
                "braid.kafka.properties.security.protocol", "SASL_SSL",
                "braid.kafka.properties.sasl.mechanism", "SCRAM-SHA-512")));

        assertThat(config.kafka().clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("bootstrap.servers", "broker:9093")
                .doesNotContainKey("braid.kafka.properties.security.protocol");
    }

    private static void assertRejected(Map<String, String> settings, String... mentioned) {
        assertThatThrownBy(() -> NormalizeConfig.from(config(settings)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(mentioned);
    }

    private static Configuration config(Map<String, String> settings) {
        return Configuration.fromMap(new HashMap<>(settings));
    }
}
