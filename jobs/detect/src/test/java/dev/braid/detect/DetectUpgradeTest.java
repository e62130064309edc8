package dev.braid.detect;

import static dev.braid.testing.Events.agentAttempt;
import static dev.braid.testing.Events.mcpProbe;
import static dev.braid.testing.Events.runnerLaunched;
import static dev.braid.testing.Events.spotWarning;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.AlertStatus;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.EventRecords;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.KafkaBrokerExtension;
import dev.braid.testing.KafkaTestClient;
import dev.braid.testing.RestartableJobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A rule change is a job upgrade: stop with a savepoint, edit the rule file, start from the
 * savepoint. The changed rule runs with its new threshold on the partial matches it had, and the
 * other rules' partial matches survive.
 */
class DetectUpgradeTest {

    private static final long MIN = 60_000;
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @Test
    void aThresholdChangedThroughStopWithSavepointKeepsEveryRulesPartialMatches(
            @TempDir Path rules, @TempDir Path checkpoints, @TempDir Path savepoints) throws Exception {
        copyBundledRules(rules);
        Configuration configuration = DetectRun.config(KAFKA, Duration.ofSeconds(1));
        configuration.set(DetectConfig.RULES_DIR, rules.toString());
        DetectConfig before = DetectConfig.from(configuration);
        KAFKA.createTopics(before.topics().all());
        KafkaTestClient kafka = KAFKA.client();

        // Before: four attempts of task T (a loop needs six) and two interruptions of job J (three make a loop).
        List<NormalizedEvent> first = new ArrayList<>();
        for (int attempt = 1; attempt <= 4; attempt++) {
            first.add(agentAttempt("t-" + attempt, attempt * MIN, "T", "sig-T", attempt));
        }
        interrupted(first, "j1", 5 * MIN);
        interrupted(first, "j2", 7 * MIN);
        first.add(mcpProbe("marker", 10 * MIN, "playwright", "down"));
        kafka.send(EventRecords.inOnePartition(before.topics(), first));
        kafka.send(EventRecords.ticks(before.topics(), 11 * MIN));
        JobClient job = RestartableJobs.start(DetectRun.CHECKPOINT_INTERVAL, checkpoints, env -> DetectJob.wireKafka(env, before));
        // The marker's alert comes out once the watermark has passed every event before it.
        kafka.awaitCommitted(before.topics().alerts(AlertFamily.AGENT), 1, PATIENCE);
        String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();

        Path spotChurn = rules.resolve("spot-churn.yaml");
        Files.writeString(spotChurn, Files.readString(spotChurn).replace("threshold: 3 ", "threshold: 4 "));
        DetectConfig after = DetectConfig.from(configuration);
        assertThat(after.rules()).filteredOn(spec -> spec.rule().equals("spot-churn"))
                .singleElement().satisfies(spec -> assertThat(spec.count("threshold")).isEqualTo(4));

        // After: attempts five and six, and the third and fourth interruption.
        List<NormalizedEvent> second = new ArrayList<>();
        second.add(agentAttempt("t-5", 11 * MIN, "T", "sig-T", 5));
        second.add(agentAttempt("t-6", 12 * MIN, "T", "sig-T", 6));
        interrupted(second, "j3", 13 * MIN);
        interrupted(second, "j4", 15 * MIN);
        second.add(mcpProbe("marker-2", 20 * MIN, "github", "down"));
        kafka.send(EventRecords.inOnePartition(after.topics(), second));
        kafka.send(EventRecords.ticks(after.topics(), 21 * MIN));
        JobClient restored = RestartableJobs.restartFrom(savepoint,
                DetectRun.CHECKPOINT_INTERVAL, checkpoints, env -> DetectJob.wireKafka(env, after));
        kafka.awaitCommitted(after.topics().alerts(AlertFamily.AGENT), 3, PATIENCE);
        kafka.awaitCommitted(after.topics().alerts(AlertFamily.CI), 1, PATIENCE);
        restored.cancel().get();

        List<Alert> agent = AvroRecords.decodeAll(kafka.readCommitted(after.topics().alerts(AlertFamily.AGENT)), Alert.class);
        assertThat(agent).filteredOn(alert -> alert.getRule().equals("agent-loop")).singleElement().satisfies(loop -> {
            assertThat(loop.getStatus()).isEqualTo(AlertStatus.OPEN);
            assertThat(loop.getEvidenceEventIds()).containsExactly("t-1", "t-2", "t-3", "t-4", "t-5", "t-6");
        });
        List<Alert> ci = AvroRecords.decodeAll(kafka.readCommitted(after.topics().alerts(AlertFamily.CI)), Alert.class);
        assertThat(ci).singleElement().satisfies(churn -> {
            assertThat(churn.getRule()).isEqualTo("spot-churn");
            assertThat(churn.getKey()).isEqualTo("J");
            assertThat(churn.getEvidenceEventIds()).containsExactly("j1-warning", "j2-warning", "j3-warning", "j4-warning");
            assertThat(churn.getDetails()).containsEntry("interruptions", "4");
        });
    }

    private static void copyBundledRules(Path target) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("../../cep-rules"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
    }

    private static void interrupted(List<NormalizedEvent> events, String instance, long warningAt) {
        events.add(runnerLaunched(instance + "-launch", warningAt - MIN, "i-" + instance, "J", "us-east-2"));
        events.add(spotWarning(instance + "-warning", warningAt, "i-" + instance, "us-east-2"));
    }
}
