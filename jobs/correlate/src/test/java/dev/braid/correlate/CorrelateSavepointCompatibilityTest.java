package dev.braid.correlate;

import static dev.braid.testing.Events.TRACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Options;
import dev.braid.connectors.Topics;
import dev.braid.embedded.EmbeddedKafka;
import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.SuspectCommit;
import dev.braid.schema.TestStatus;
import dev.braid.schema.TraceEvent;
import dev.braid.testing.CompatSavepoints;
import dev.braid.testing.EventRecords;
import dev.braid.testing.Events;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.KafkaTestClient;
import dev.braid.testing.RestartableJobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The savepoint of every released correlate version ({@code savepoints/compat/correlate/<version>/})
 * restores into the current job with all of its state: a trace open at the savepoint, an error
 * bundle waiting for its window and a branch's commit history all shape the traces that come out
 * after the restore. A release adds its savepoint with {@link #writesTheReleaseSavepoint}.
 *
 * <p>The savepoints hold the production topic names, group id and transactional id prefixes, so each
 * test runs on a broker of its own.
 */
class CorrelateSavepointCompatibilityTest {

    private static final String JOB = "correlate";
    private static final long SEC = 1_000;
    private static final String REPO = "acme/shop";
    private static final String BRANCH = "main";
    private static final String TEST = "checkout.spec.ts > rejects a weak password";
    private static final String GREEN_COMMIT = "a1c3e5f7a1c3e5f7a1c3e5f7a1c3e5f7a1c3e5f7";
    private static final String BREAKING_COMMIT = "b2d4f6a8b2d4f6a8b2d4f6a8b2d4f6a8b2d4f6a8";
    private static final String ALREADY_READ_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);
    /**
     * TTLs count processing time, and a committed savepoint only gets older: every TTL of the job
     * (the state backstop, the history) must outlive it. Release 0.1.0 derived the trace backstop
     * from the maximum duration and the bundle backstop from ten bundle windows, so its savepoint was
     * written with these too. Event time is the scenario's own, so only the far tick sees them.
     */
    private static final Duration STATE_LIFETIME = Duration.ofDays(100 * 365);
    private static final Duration BUNDLE_WINDOW = STATE_LIFETIME.dividedBy(10);
    /** Past every bundle window and inactivity gap of the scenario, before any maximum duration. */
    private static final long FAR_TICK = STATE_LIFETIME.toMillis() - SEC;
    private static final Duration PATIENCE = Duration.ofMinutes(2);

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
            CorrelateConfig config = config(broker);
            KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
            kafka.send(EventRecords.inOnePartition(config.topics(), seenBeforeTheSavepoint()));

            JobClient job = RestartableJobs.start(CHECKPOINT_INTERVAL, checkpoints, env -> CorrelateJob.wireKafka(env, config));
            // Nothing comes out yet: the watermark stays before every timer of the scenario.
            kafka.awaitConsumed(config.groupId(), List.of(config.topics().events()), PATIENCE);
            String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();
            assertThat(kafka.readCommitted(config.topics().traces())).isEmpty();

            CompatSavepoints.write(JOB, version, savepoint);
        }
    }

    @ParameterizedTest(name = "correlate {0}")
    @MethodSource("releasedVersions")
    void aReleasedSavepointCompletesItsOpenTraceAndBundleAndNamesTheSuspectFromItsHistory(
            String version, @TempDir Path checkpoints) throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            CorrelateConfig config = config(broker);
            Topics topics = config.topics();
            KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
            kafka.send(EventRecords.inOnePartition(topics, skippedAtTheSavepointsOffsets()));
            kafka.send(EventRecords.inOnePartition(topics, sentAfterTheSavepoint()));
            kafka.send(EventRecords.ticks(topics, FAR_TICK));

            JobClient job = RestartableJobs.restartFrom(CompatSavepoints.path(JOB, version), CHECKPOINT_INTERVAL, checkpoints,
                    env -> CorrelateJob.wireKafka(env, config));
            kafka.awaitCommitted(topics.traces(), 2, PATIENCE);
            // Give a duplicate every chance to show up: let a few more checkpoints commit.
            Thread.sleep(4 * CHECKPOINT_INTERVAL.toMillis());
            List<CorrelatedTrace> traces = new ArrayList<>(AvroRecords.decodeAll(kafka.readCommitted(topics.traces()), CorrelatedTrace.class));
            List<NormalizedEvent> late = AvroRecords.decodeAll(kafka.readCommitted(topics.lateEvents()), NormalizedEvent.class);
            job.cancel().get();

            traces.sort(Comparator.comparing(CorrelatedTrace::getKind));
            assertThat(traces).extracting(CorrelatedTrace::getTraceId).containsExactly(TRACE, "bundle:payment-error");
            assertThat(traces.get(0)).satisfies(trace -> {
                assertThat(trace.getVersion()).isEqualTo(1);
                assertThat(trace.getClosedBy()).isEqualTo(CloseReason.INACTIVITY);
                assertThat(trace.getEvents()).extracting(TraceEvent::getId).containsExactly("request", "backend-error", "failing-test");
                assertThat(trace.getSuspectCommits()).extracting(SuspectCommit::getSha).containsExactly(BREAKING_COMMIT);
            });
            assertThat(traces.get(1).getEvents()).extracting(TraceEvent::getId).containsExactly("charging", "payment-error", "retrying");
            assertThat(late).isEmpty();
        }
    }

    /**
     * The released job's input: a green run of the test on the first commit and a second commit on
     * the branch (history), the browser request and backend error of one trace (open) and an
     * untraced error of the payment service with the line before it (a bundle waiting for its
     * window). Never change it: every committed savepoint was written from it.
     */
    private static List<NormalizedEvent> seenBeforeTheSavepoint() {
        return List.of(
                Events.commit(GREEN_COMMIT, 0, REPO, BRANCH, "Add checkout", "alice"),
                Events.testResult("green-run", SEC, REPO, BRANCH, TEST, GREEN_COMMIT, TestStatus.PASSED),
                Events.commit(BREAKING_COMMIT, 2 * SEC, REPO, BRANCH, "Tighten password validation", "bob"),
                Events.event("request", 3 * SEC, Source.BROWSER, "network.request", Level.INFO, "POST /api/checkout")
                        .setTraceId(TRACE).build(),
                Events.event("backend-error", 4 * SEC, Source.BACKEND, "log", Level.ERROR, "password rejected: too short")
                        .setTraceId(TRACE).build(),
                payments("charging", 5 * SEC, Level.INFO, "charging card"),
                payments("payment-error", 6 * SEC, Level.ERROR, "card declined: gateway timeout"));
    }

    /**
     * As many records as the released job had read: the restored source resumes after them, so the
     * trace they would make must not come out.
     */
    private static List<NormalizedEvent> skippedAtTheSavepointsOffsets() {
        return IntStream.range(0, seenBeforeTheSavepoint().size())
                .mapToObj(i -> Events.traced("already-read-" + i, ALREADY_READ_TRACE, i * SEC))
                .toList();
    }

    /** The trace's failing test on the second commit and the payment service's next line. */
    private static List<NormalizedEvent> sentAfterTheSavepoint() {
        NormalizedEvent failingTest = Events.testResult("failing-test", 8 * SEC, REPO, BRANCH, TEST, BREAKING_COMMIT, TestStatus.FAILED);
        return List.of(
                payments("retrying", 7 * SEC, Level.INFO, "retrying the charge"),
                NormalizedEvent.newBuilder(failingTest).setTraceId(TRACE).build());
    }

    private static NormalizedEvent payments(String id, long offsetMillis, Level level, String message) {
        return Events.event(id, offsetMillis, Source.BACKEND, "log", level, message)
                .setKeys(CorrelationKeys.newBuilder().setService("payments").build())
                .build();
    }

    /** The production topic names and group id, which the savepoint's splits and transactions name. */
    private static CorrelateConfig config(EmbeddedKafka broker) {
        Configuration config = new Configuration();
        config.set(KafkaSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        config.set(CorrelateConfig.MAX_DURATION, STATE_LIFETIME);
        config.set(CorrelateConfig.HISTORY_TTL, STATE_LIFETIME);
        config.set(CorrelateConfig.STATE_TTL, STATE_LIFETIME);
        config.set(CorrelateConfig.BUNDLE_WINDOW, BUNDLE_WINDOW);
        config.set(Options.CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL);
        CorrelateConfig correlate = CorrelateConfig.from(config);
        broker.createTopics(correlate.topics().all());
        return correlate;
    }
}
