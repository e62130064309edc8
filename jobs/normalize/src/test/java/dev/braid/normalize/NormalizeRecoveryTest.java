package dev.braid.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.KafkaBrokerExtension;
import dev.braid.testing.KafkaTestClient;
import dev.braid.testing.RestartableJobs;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

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
        JobClient first = RestartableJobs.start(config.checkpointInterval(), checkpoints, env -> NormalizeJob.wireKafka(env, config));
        assertThat(kafka.awaitCommitted(events, BATCH, PATIENCE)).hasSize(BATCH);

        kafka.send(RawFixtures.pinoLines(config.topics(), BATCH, BATCH).records());
        kafka.awaitOpenTransaction(events, BATCH, PATIENCE);
        first.cancel().get();

        kafka.send(RawFixtures.pinoLines(config.topics(), 2 * BATCH, BATCH).records());
        JobClient restarted = RestartableJobs.restart(config.checkpointInterval(), checkpoints, env -> NormalizeJob.wireKafka(env, config));
        kafka.awaitCommitted(events, 3 * BATCH, PATIENCE);
        // Give a duplicate every chance to show up: let a few more checkpoints commit.
        Thread.sleep(4 * TestTopics.CHECKPOINT_INTERVAL.toMillis());
        List<NormalizedEvent> committed = AvroRecords.decodeAll(kafka.readCommitted(events), NormalizedEvent.class);
        restarted.cancel().get();

        assertThat(committed).extracting(NormalizedEvent::getId).doesNotHaveDuplicates();
        assertThat(committed).extracting(e -> e.getMetadata().get("seq"))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 3 * BATCH).mapToObj(Integer::toString).toList());
    }
}
