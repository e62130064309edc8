package dev.braid.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Topics;
import dev.braid.embedded.EmbeddedKafka;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.CompatSavepoints;
import dev.braid.testing.Fixtures;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.KafkaTestClient;
import dev.braid.testing.RestartableJobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The savepoint of every released normalize version ({@code savepoints/compat/normalize/<version>/})
 * restores into the current job, state and all: the ids the released job had seen still drop their
 * retries and resends. A release adds its savepoint with {@link #writesTheReleaseSavepoint}, the
 * pattern of the Flink Kafka connector's migration tests.
 *
 * <p>The savepoints hold the production topic names, group id and transactional id prefixes, so each
 * test runs on a broker of its own that has nothing else, as the job's next release would.
 */
class NormalizeSavepointCompatibilityTest {

    private static final String JOB = "normalize";
    private static final long T0 = RawFixtures.T0;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(1);
    /** TTLs count processing time, and a committed savepoint only gets older: the ids must outlive it. */
    private static final Duration DEDUP_TTL = Duration.ofDays(100 * 365);
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    private static final String TAIL_ID = "logs/api.log:0:4096";
    private static final String FIRST_MALFORMED = "{\"method\":\"Runtime.consoleAPICalled\",\"params\":{\"args\":[\"checkout";
    private static final String SECOND_MALFORMED = "{\"method\":\"Network.responseReceived\",\"params\":{\"requestId\":";

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    static Stream<String> releasedVersions() {
        return CompatSavepoints.versions(JOB).stream();
    }

    /** {@code -Dbraid.compat.write=<version>}: runs the current job over the scenario and keeps its savepoint. */
    @Test
    @EnabledIfSystemProperty(named = CompatSavepoints.WRITE_PROPERTY, matches = ".+")
    void writesTheReleaseSavepoint(@TempDir Path checkpoints, @TempDir Path savepoints) throws Exception {
        String version = CompatSavepoints.versionToWrite();
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            NormalizeConfig config = config(broker);
            KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
            kafka.send(seenBeforeTheSavepoint(config.topics()));

            JobClient job = RestartableJobs.start(CHECKPOINT_INTERVAL, checkpoints, env -> NormalizeJob.wireKafka(env, config));
            // Committed output means the ids are in the deduplication state and no log line is held back.
            assertThat(kafka.awaitCommitted(config.topics().events(), 4, PATIENCE)).hasSize(4);
            assertThat(kafka.awaitCommitted(config.topics().deadLetters(), 1, PATIENCE)).hasSize(1);
            String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();

            CompatSavepoints.write(JOB, version, savepoint);
        }
    }

    @ParameterizedTest(name = "normalize {0}")
    @MethodSource("releasedVersions")
    void aReleasedSavepointStillDropsRetriesAndResendsOfWhatItHadSeen(String version, @TempDir Path checkpoints)
            throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            NormalizeConfig config = config(broker);
            Topics topics = config.topics();
            KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
            // What the released job had read, so the restored sources resume at the savepoint's offsets.
            kafka.send(seenBeforeTheSavepoint(topics));
            kafka.send(sentAfterTheSavepoint(topics));

            JobClient job = RestartableJobs.restartFrom(CompatSavepoints.path(JOB, version), CHECKPOINT_INTERVAL, checkpoints,
                    env -> NormalizeJob.wireKafka(env, config));
            kafka.awaitConsumed(config.groupId(), rawTopics(topics), PATIENCE);
            kafka.awaitCommitted(topics.events(), 1, PATIENCE);
            kafka.awaitCommitted(topics.deadLetters(), 1, PATIENCE);
            // Give a duplicate every chance to show up: let a few more checkpoints commit.
            Thread.sleep(4 * CHECKPOINT_INTERVAL.toMillis());
            List<NormalizedEvent> events = AvroRecords.decodeAll(kafka.readCommitted(topics.events()), NormalizedEvent.class);
            List<DeadLetter> deadLetters = AvroRecords.decodeAll(kafka.readCommitted(topics.deadLetters()), DeadLetter.class);
            job.cancel().get();

            assertThat(events).extracting(NormalizedEvent::getMessage).containsExactly("request 4 done");
            assertThat(deadLetters).singleElement().satisfies(letter -> {
                assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNPARSEABLE);
                assertThat(StandardCharsets.UTF_8.decode(letter.getRawValue()).toString()).isEqualTo(SECOND_MALFORMED);
            });
        }
    }

    /**
     * The released job's input: two pino lines, a line shipped by {@code braid ingest --tail} with its
     * stable id, a git commit and a malformed CDP record (a dead letter). Never change it: every
     * committed savepoint was written from it.
     */
    private static List<ProducerRecord<byte[], byte[]>> seenBeforeTheSavepoint(Topics topics) {
        return List.of(
                pino(topics, "api", 1, 1),
                pino(topics, "api", 2, 2),
                tailed(topics, 3, 3),
                record(topics, Source.GIT, "hook", 4, Fixtures.lines("fixtures/git/post-commit.jsonl").get(0)),
                record(topics, Source.BROWSER, "cdp", 5, FIRST_MALFORMED));
    }

    /**
     * A producer retry of each record but the tailed line, which {@code ingest --tail} resends after
     * a crash under its stable id with a new timestamp; then one new line and one new malformed record.
     */
    private static List<ProducerRecord<byte[], byte[]>> sentAfterTheSavepoint(Topics topics) {
        return List.of(
                pino(topics, "api", 1, 1),
                tailed(topics, 3, 10),
                record(topics, Source.GIT, "hook", 4, Fixtures.lines("fixtures/git/post-commit.jsonl").get(0)),
                record(topics, Source.BROWSER, "cdp", 5, FIRST_MALFORMED),
                pino(topics, "api", 4, 11),
                record(topics, Source.BROWSER, "cdp", 12, SECOND_MALFORMED));
    }

    private static ProducerRecord<byte[], byte[]> pino(Topics topics, String key, int seq, long offsetMillis) {
        return record(topics, Source.BACKEND, key, offsetMillis, pinoLine(seq));
    }

    private static ProducerRecord<byte[], byte[]> tailed(Topics topics, int seq, long offsetMillis) {
        ProducerRecord<byte[], byte[]> record = pino(topics, "logs/api.log", seq, offsetMillis);
        record.headers().add(new RecordHeader("braid.id", TAIL_ID.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private static String pinoLine(int seq) {
        return "{\"level\":30,\"time\":" + (T0 + seq) + ",\"pid\":7,\"hostname\":\"api\",\"seq\":" + seq
                + ",\"msg\":\"request " + seq + " done\"}";
    }

    /** In partition 0 of the source's raw topic: re-sent records land at the offsets the savepoint holds. */
    private static ProducerRecord<byte[], byte[]> record(Topics topics, Source source, String key, long offsetMillis, String value) {
        return new ProducerRecord<>(topics.raw(source), 0, T0 + offsetMillis,
                key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> rawTopics(Topics topics) {
        return Stream.of(Source.values()).map(topics::raw).toList();
    }

    /** The production topic names and group id, which the savepoint's splits and transactions name. */
    private static NormalizeConfig config(EmbeddedKafka broker) {
        Configuration config = new Configuration();
        config.set(KafkaSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        config.set(NormalizeConfig.DEDUP_TTL, DEDUP_TTL);
        config.set(NormalizeConfig.OUT_OF_ORDERNESS, OUT_OF_ORDERNESS);
        config.set(NormalizeConfig.CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL);
        NormalizeConfig normalize = NormalizeConfig.from(config);
        broker.createTopics(normalize.topics().all());
        return normalize;
    }
}
