package dev.braid.detect;

import static dev.braid.testing.Events.agentAttempt;
import static dev.braid.testing.Events.commit;
import static dev.braid.testing.Events.errorLog;
import static dev.braid.testing.Events.mcpProbe;
import static dev.braid.testing.Events.networkRequest;
import static dev.braid.testing.Events.networkResponse;
import static dev.braid.testing.Events.runnerLaunched;
import static dev.braid.testing.Events.spotWarning;
import static dev.braid.testing.Events.testResult;
import static dev.braid.testing.Events.webVital;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Options;
import dev.braid.connectors.Topics;
import dev.braid.detect.baseline.BaselineReader;
import dev.braid.detect.baseline.BaselineSnapshot;
import dev.braid.embedded.EmbeddedKafka;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.AlertStatus;
import dev.braid.schema.Fix;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;
import dev.braid.schema.baseline.EndpointStats;
import dev.braid.testing.CompatSavepoints;
import dev.braid.testing.EventRecords;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.KafkaTestClient;
import dev.braid.testing.RestartableJobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The savepoint of every released detect version ({@code savepoints/compat/detect/<version>/})
 * restores into the current job with all of its state: partial CEP matches complete, an open alert
 * resolves, test results waiting for the watermark judge a regression, and the baseline state comes
 * through the restore unchanged. A release adds its savepoint with {@link #writesTheReleaseSavepoint}.
 *
 * <p>Only state without a TTL is checked by what the restored job publishes: TTLs count processing
 * time, a committed savepoint only gets older, and the rules cap theirs (a test's history at 90
 * days, baselines at a year). The TTL-bound baseline state is checked by reading it, with the State
 * Processor API and RocksDB, from the savepoint the restored job takes. The savepoints hold the
 * production topic names, group id and transactional id prefixes: each test runs on a broker of its own.
 */
class DetectSavepointCompatibilityTest {

    private static final String JOB = "detect";
    private static final long SEC = 1_000;
    private static final long MIN = 60 * SEC;
    /** Before the savepoint the watermark passes the interruptions, the attempts and the outage ... */
    private static final long TICK_BEFORE_THE_SAVEPOINT = 11 * MIN;
    /** ... and not the test results after it; after the restore it passes everything. */
    private static final long TICK_AFTER_THE_SAVEPOINT = 20 * MIN;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    private static final String REPO = "acme/shop";
    private static final String BRANCH = "main";
    private static final String TEST = "checkout.spec.ts > applies the discount";
    private static final String FIRST_COMMIT = "c1a2b3c4d5e6f7a8b9c0c1a2b3c4d5e6f7a8b9c0";
    private static final String GREEN_COMMIT = "c2b3c4d5e6f7a8b9c0d1c2b3c4d5e6f7a8b9c0d1";
    private static final String BREAKING_COMMIT = "c3c4d5e6f7a8b9c0d1e2c3c4d5e6f7a8b9c0d1e2";
    private static final String SHOP = "https://shop.example";

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
            DetectConfig config = config(broker);
            Topics topics = config.topics();
            KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
            kafka.send(seenBeforeTheSavepoint(topics));

            JobClient job = RestartableJobs.start(CHECKPOINT_INTERVAL, checkpoints, env -> DetectJob.wireKafka(env, config));
            // The outage's alert comes out once the watermark has passed everything before it.
            kafka.awaitCommitted(topics.alerts(AlertFamily.AGENT), 1, PATIENCE);
            kafka.awaitConsumed(config.groupId(), List.of(topics.events()), PATIENCE);
            String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();

            assertThat(published(kafka, topics)).singleElement().satisfies(outage -> {
                assertThat(outage.getRule()).isEqualTo("mcp-unhealthy");
                assertThat(outage.getStatus()).isEqualTo(AlertStatus.OPEN);
            });
            CompatSavepoints.write(JOB, version, savepoint);
        }
    }

    @ParameterizedTest(name = "detect {0}")
    @MethodSource("releasedVersions")
    void aReleasedSavepointCompletesItsMatchesResolvesItsAlertJudgesItsWaitingResultsAndKeepsItsBaseline(
            String version, @TempDir Path checkpoints, @TempDir Path savepoints) throws Exception {
        String released = CompatSavepoints.path(JOB, version);
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            DetectConfig config = config(broker);
            Topics topics = config.topics();
            KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
            kafka.send(standIns(seenBeforeTheSavepoint(topics)));
            kafka.send(EventRecords.inOnePartition(topics, sentAfterTheSavepoint()));
            kafka.send(EventRecords.ticks(topics, TICK_AFTER_THE_SAVEPOINT));

            JobClient job = RestartableJobs.restartFrom(released, CHECKPOINT_INTERVAL, checkpoints,
                    env -> DetectJob.wireKafka(env, config));
            kafka.awaitCommitted(topics.alerts(AlertFamily.CI), 1, PATIENCE);
            kafka.awaitCommitted(topics.alerts(AlertFamily.AGENT), 2, PATIENCE);
            kafka.awaitCommitted(topics.alerts(AlertFamily.REGRESSIONS), 1, PATIENCE);
            kafka.awaitConsumed(config.groupId(), List.of(topics.events()), PATIENCE);
            String resaved = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();

            List<Alert> alerts = published(kafka, topics);
            assertThat(alerts).extracting(Alert::getRule, Alert::getKey, Alert::getStatus, Alert::getRevision)
                    .containsExactlyInAnyOrder(
                            tuple("spot-churn", "J", AlertStatus.OPEN, 1),
                            tuple("agent-loop", "T", AlertStatus.OPEN, 1),
                            tuple("mcp-unhealthy", "playwright", AlertStatus.RESOLVED, 2),
                            tuple("test-regression", REPO + "|" + BRANCH + "|" + TEST, AlertStatus.OPEN, 1));
            assertThat(only(alerts, "spot-churn").getEvidenceEventIds()).containsExactly("i1-warning", "i2-warning", "i3-warning");
            assertThat(only(alerts, "agent-loop").getEvidenceEventIds()).containsExactly("t-1", "t-2", "t-3", "t-4", "t-5", "t-6");
            assertThat(only(alerts, "test-regression").getDetails())
                    .containsEntry("last-pass-commit", GREEN_COMMIT)
                    .containsEntry("suspect-commits", BREAKING_COMMIT);
            assertThat(AvroRecords.decodeAll(kafka.readCommitted(topics.fixes()), Fix.class)).isEmpty();

            List<BaselineSnapshot> read = BaselineReader.read(new EmbeddedRocksDBStateBackend(), released, resaved);
            BaselineSnapshot before = read.get(0);
            BaselineSnapshot after = read.get(1);
            assertThatTheScenariosBaselineIsIn(before);
            assertThat(after.tests()).isEqualTo(before.tests());
            assertThat(after.pages()).isEqualTo(before.pages());
            assertThat(after.errors()).isEqualTo(before.errors());
            Map<String, EndpointStats> restoredEndpoints = new HashMap<>(after.endpoints());
            EndpointStats health = restoredEndpoints.remove("shop.example GET /api/health");
            assertThat(restoredEndpoints).isEqualTo(before.endpoints());
            assertThat(health.getStatusCodes()).containsExactly(Map.entry("200", 1L));
        }
    }

    /** What the released job kept per test, endpoint, page and error signature. */
    private static void assertThatTheScenariosBaselineIsIn(BaselineSnapshot baseline) {
        assertThat(baseline.tests().values()).singleElement().satisfies(test -> {
            assertThat(test.getTestId()).isEqualTo(TEST);
            assertThat(test.getPassed()).isEqualTo(2);
            assertThat(test.getFailed()).isEqualTo(1);
            assertThat(test.getLastCommit()).isEqualTo(BREAKING_COMMIT);
        });
        assertThat(baseline.endpoints().values()).singleElement().satisfies(orders -> {
            assertThat(orders.getRoute()).isEqualTo("/api/orders/{id}");
            assertThat(orders.getStatusCodes()).containsExactly(Map.entry("201", 2L));
            assertThat(orders.getLatency().getCount()).isEqualTo(2);
        });
        assertThat(baseline.pages().values()).singleElement()
                .satisfies(checkout -> assertThat(checkout.getVitals()).containsOnlyKeys("LCP", "CLS"));
        assertThat(baseline.errors().values()).singleElement().satisfies(declined -> {
            assertThat(declined.getService()).isEqualTo("payments");
            assertThat(declined.getCount()).isEqualTo(1);
        });
    }

    /**
     * The released job's input, all in partition 0 but the ticks: job J's spot runner interrupted
     * twice (a spot-churn loop needs three), four attempts of task T (an agent loop needs six), the
     * playwright MCP server down (an open alert), the branch's first commits with the test green, two
     * orders placed, the checkout page's Web Vitals and a declined card. Then, past the tick, the
     * test green on the second commit, a third commit and the test red on it: they wait for the
     * watermark in the savepoint. Never change it: every committed savepoint was written from it.
     */
    private static List<ProducerRecord<byte[], byte[]>> seenBeforeTheSavepoint(Topics topics) {
        List<NormalizedEvent> watermarked = List.of(
                commit(FIRST_COMMIT, 30 * SEC, REPO, BRANCH, "Add the discount code field", "alice"),
                testResult("green-on-first", MIN, REPO, BRANCH, TEST, FIRST_COMMIT, TestStatus.PASSED),
                commit(GREEN_COMMIT, 90 * SEC, REPO, BRANCH, "Show the discount in the cart", "alice"),
                runnerLaunched("i1-launch", MIN, "i-1", "J", "us-east-2"),
                spotWarning("i1-warning", 2 * MIN, "i-1", "us-east-2"),
                agentAttempt("t-1", MIN, "T", "sig-T", 1),
                agentAttempt("t-2", 2 * MIN, "T", "sig-T", 2),
                agentAttempt("t-3", 3 * MIN, "T", "sig-T", 3),
                agentAttempt("t-4", 4 * MIN, "T", "sig-T", 4),
                runnerLaunched("i2-launch", 3 * MIN, "i-2", "J", "us-east-2"),
                spotWarning("i2-warning", 4 * MIN, "i-2", "us-east-2"),
                networkRequest("order-1", 5 * MIN, "r1", "POST", SHOP + "/api/orders/1001"),
                networkResponse("order-1-done", 5 * MIN + 180, "r1", SHOP + "/api/orders/1001", 201, 180),
                networkRequest("order-2", 6 * MIN, "r2", "POST", SHOP + "/api/orders/1002"),
                networkResponse("order-2-done", 6 * MIN + 240, "r2", SHOP + "/api/orders/1002", 201, 240),
                webVital("checkout-lcp", 7 * MIN, SHOP + "/checkout", "LCP", 2100, "good"),
                webVital("checkout-cls", 7 * MIN, SHOP + "/checkout", "CLS", 0.04, "good"),
                errorLog("card-declined", 8 * MIN, "payments", "card declined: gateway timeout after 3000 ms"),
                mcpProbe("mcp-down", 10 * MIN, "playwright", "down"));
        List<NormalizedEvent> waiting = List.of(
                testResult("green-on-second", 12 * MIN, REPO, BRANCH, TEST, GREEN_COMMIT, TestStatus.PASSED),
                commit(BREAKING_COMMIT, 12 * MIN + 30 * SEC, REPO, BRANCH, "Round the discount per item", "bob"),
                testResult("red-on-third", 13 * MIN, REPO, BRANCH, TEST, BREAKING_COMMIT, TestStatus.FAILED));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(EventRecords.inOnePartition(topics, watermarked));
        records.addAll(EventRecords.ticks(topics, TICK_BEFORE_THE_SAVEPOINT));
        records.addAll(EventRecords.inOnePartition(topics, waiting));
        return records;
    }

    /**
     * One record in place of each the released job had read, in the same partition: the restored
     * source resumes after them, so the MCP outages they report must not come out.
     */
    private static List<ProducerRecord<byte[], byte[]>> standIns(List<ProducerRecord<byte[], byte[]>> read) {
        return IntStream.range(0, read.size()).mapToObj(i -> {
            NormalizedEvent standIn = mcpProbe("already-read-" + i, MIN, "already-read", "down");
            return new ProducerRecord<>(read.get(i).topic(), read.get(i).partition(), standIn.getEventTime().toEpochMilli(),
                    read.get(i).key(), AvroRecords.encode(standIn));
        }).toList();
    }

    /** The third interruption, the fifth and sixth attempt, the server back up, and a new endpoint's first call. */
    private static List<NormalizedEvent> sentAfterTheSavepoint() {
        return List.of(
                runnerLaunched("i3-launch", 14 * MIN, "i-3", "J", "us-east-2"),
                spotWarning("i3-warning", 15 * MIN, "i-3", "us-east-2"),
                agentAttempt("t-5", 16 * MIN, "T", "sig-T", 5),
                agentAttempt("t-6", 17 * MIN, "T", "sig-T", 6),
                mcpProbe("mcp-up", 18 * MIN, "playwright", "up"),
                networkRequest("health", 19 * MIN, "r3", "GET", SHOP + "/api/health"),
                networkResponse("health-done", 19 * MIN + 30, "r3", SHOP + "/api/health", 200, 30));
    }

    private static List<Alert> published(KafkaTestClient kafka, Topics topics) {
        List<Alert> alerts = new ArrayList<>();
        for (AlertFamily family : AlertFamily.values()) {
            alerts.addAll(AvroRecords.decodeAll(kafka.readCommitted(topics.alerts(family)), Alert.class));
        }
        return alerts;
    }

    private static Alert only(List<Alert> alerts, String rule) {
        return alerts.stream().filter(alert -> alert.getRule().equals(rule)).findFirst().orElseThrow();
    }

    /** The production topic names, group id and bundled rules, which the savepoint's operators and splits name. */
    private static DetectConfig config(EmbeddedKafka broker) {
        Configuration config = new Configuration();
        config.set(KafkaSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        config.set(Options.CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL);
        DetectConfig detect = DetectConfig.from(config);
        broker.createTopics(detect.topics().all());
        return detect;
    }
}
