package dev.braid.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.JobDefaults;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.AvroRecords;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.KafkaBrokerExtension;
import dev.braid.testing.KafkaTestClient;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Exactly-once under failure: the production wiring (Kafka sources with a consumer group,
 * transactional sinks) is cancelled while a transaction is open, restarted from its last
 * checkpoint, and the events topic read with read_committed holds every record exactly once.
 */
class NormalizeRecoveryTest {

    private static final int BATCH = 400;
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @Test
    void jobKilledMidStreamAndRestartedFromItsCheckpointLosesAndDuplicatesNothing(@TempDir Path checkpoints)
            throws Exception {
        NormalizeConfig config = TestTopics.freshConfig(KAFKA);
        String events = config.topics().events();
        KafkaTestClient kafka = KAFKA.client();

        kafka.send(RawFixtures.pinoLines(config.topics(), 0, BATCH).records());
        JobClient first = start(config, checkpoints, SavepointRestoreSettings.none());
        assertThat(kafka.awaitCommitted(events, BATCH, PATIENCE)).hasSize(BATCH);

        kafka.send(RawFixtures.pinoLines(config.topics(), BATCH, BATCH).records());
        awaitOpenTransaction(kafka, events);
        first.cancel().get();

        kafka.send(RawFixtures.pinoLines(config.topics(), 2 * BATCH, BATCH).records());
        Path checkpoint = latestCheckpoint(checkpoints);
        JobClient restarted = start(config, checkpoints, SavepointRestoreSettings.forPath(checkpoint.toString(), false));
        kafka.awaitCommitted(events, 3 * BATCH, PATIENCE);
        // Give a duplicate every chance to show up: let a few more checkpoints commit.
        Thread.sleep(4 * TestTopics.CHECKPOINT_INTERVAL.toMillis());
        List<NormalizedEvent> committed = AvroRecords.decodeAll(kafka.readCommitted(events), NormalizedEvent.class);
        restarted.cancel().get();

        assertThat(committed).extracting(NormalizedEvent::getId).doesNotHaveDuplicates();
        assertThat(committed).extracting(e -> e.getMetadata().get("seq"))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 3 * BATCH).mapToObj(Integer::toString).toList());
    }

    private static JobClient start(NormalizeConfig config, Path checkpoints, SavepointRestoreSettings restore)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        JobDefaults.apply(env, config.checkpointInterval());
        Configuration storage = new Configuration();
        storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        env.configure(storage);
        NormalizeJob.wireKafka(env, config);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(restore);
        return env.executeAsync(graph);
    }

    /** Waits until the sink has written past the committed records: a transaction is open. */
    private static void awaitOpenTransaction(KafkaTestClient kafka, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (kafka.readUncommitted(topic).size() <= BATCH) {
            assertThat(System.nanoTime()).as("sink wrote nothing of the second batch").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The newest completed checkpoint: the chk-N folder with the highest N that holds _metadata. */
    private static Path latestCheckpoint(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no completed checkpoint under " + root));
        }
    }
}
