package dev.braid.correlate;

import static dev.braid.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.Options;
import dev.braid.connectors.Topics;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.Events;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;
import dev.braid.testing.KafkaTestClient;
import dev.braid.testing.RestartableJobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Exactly-once under failure for correlate: the production wiring is cancelled while a traces
 * transaction is open, restarted from its last checkpoint, and every trace comes out once, whole.
 */
class CorrelateRecoveryTest {

    private static final int TRACES_PER_BATCH = 300;
    private static final int EVENTS_PER_TRACE = 3;
    private static final long TRACE_SPACING_MS = 100;
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @Test
    void jobKilledMidStreamAndRestartedFromItsCheckpointEmitsEveryTraceOnceAndWhole(@TempDir Path checkpoints)
            throws Exception {
        CorrelateConfig config = freshConfig();
        String traces = config.topics().traces();
        KafkaTestClient kafka = KAFKA.client();

        kafka.send(batch(config.topics(), 0));
        JobClient first = RestartableJobs.start(CHECKPOINT_INTERVAL, checkpoints, env -> CorrelateJob.wireKafka(env, config));
        int committedBeforeKill = kafka.awaitCommitted(traces, TRACES_PER_BATCH / 2, PATIENCE).size();

        kafka.send(batch(config.topics(), 1));
        kafka.awaitOpenTransaction(traces, committedBeforeKill, PATIENCE);
        first.cancel().get();

        kafka.send(batch(config.topics(), 2));
        kafka.send(List.of(event(config.topics(), "flush", "f", Duration.ofHours(1).toMillis())));
        JobClient restarted = RestartableJobs.restart(CHECKPOINT_INTERVAL, checkpoints, env -> CorrelateJob.wireKafka(env, config));
        kafka.awaitCommitted(traces, 3 * TRACES_PER_BATCH, PATIENCE);
        // Give a duplicate every chance to show up: let a few more checkpoints commit.
        Thread.sleep(4 * CHECKPOINT_INTERVAL.toMillis());
        List<CorrelatedTrace> committed = AvroRecords.decodeAll(kafka.readCommitted(traces), CorrelatedTrace.class);
        restarted.cancel().get();

        assertThat(committed).extracting(CorrelatedTrace::getTraceId)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 3 * TRACES_PER_BATCH).mapToObj(CorrelateRecoveryTest::traceId).toList());
        assertThat(committed).allSatisfy(trace -> {
            assertThat(trace.getVersion()).isEqualTo(1);
            assertThat(trace.getEvents()).hasSize(EVENTS_PER_TRACE);
        });
    }

    /** Traces {@code [batch * 300, (batch + 1) * 300)}, 100 ms apart, three events each. */
    private static List<ProducerRecord<byte[], byte[]>> batch(Topics topics, int batch) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = batch * TRACES_PER_BATCH; i < (batch + 1) * TRACES_PER_BATCH; i++) {
            for (int e = 0; e < EVENTS_PER_TRACE; e++) {
                records.add(event(topics, traceId(i), i + "-" + e, i * TRACE_SPACING_MS + e * 10));
            }
        }
        return records;
    }

    private static ProducerRecord<byte[], byte[]> event(Topics topics, String traceId, String id, long offsetMillis) {
        NormalizedEvent event = Events.event(id, offsetMillis, Source.BACKEND, "log", Level.INFO, "step " + id)
                .setTraceId(traceId).build();
        return new ProducerRecord<>(topics.events(), null, T0 + offsetMillis,
                ("trace:" + traceId).getBytes(StandardCharsets.UTF_8), AvroRecords.encode(event));
    }

    private static String traceId(int i) {
        return String.format("%032x", i);
    }

    private static CorrelateConfig freshConfig() {
        Configuration config = FreshTopics.on(KAFKA);
        config.set(CorrelateConfig.GROUP_ID, "correlate-" + config.get(Topics.TRACES));
        config.set(CorrelateConfig.INACTIVITY_GAP, Duration.ofSeconds(2));
        config.set(CorrelateConfig.MAX_DURATION, Duration.ofMinutes(1));
        config.set(CorrelateConfig.OUT_OF_ORDERNESS, Duration.ofMillis(500));
        config.set(CorrelateConfig.IDLENESS, Duration.ofSeconds(1));
        config.set(Options.CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL);
        CorrelateConfig correlate = CorrelateConfig.from(config);
        KAFKA.createTopics(correlate.topics().all());
        return correlate;
    }
}
