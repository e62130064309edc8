package dev.braid.detect;

import static dev.braid.testing.Events.T0;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.Options;
import dev.braid.connectors.Topics;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.AlertStatus;
import dev.braid.schema.Fix;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.BoundedSources;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Runs the detect job's production wiring (exactly-once Kafka sinks) over a bounded events topic on
 * the test broker and MiniCluster, and reads back what it committed.
 */
public final class DetectRun {

    public static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(1);

    private DetectRun() {}

    /** What one run published, read_committed. */
    record Published(Map<AlertFamily, List<Alert>> alerts, List<Fix> fixes) {

        List<Alert> all() {
            List<Alert> all = new ArrayList<>();
            alerts.values().forEach(all::addAll);
            return all;
        }

        List<Alert> of(String rule) {
            return all().stream().filter(alert -> alert.getRule().equals(rule)).toList();
        }

        List<Alert> of(String rule, AlertStatus status) {
            return of(rule).stream().filter(alert -> alert.getStatus() == status).toList();
        }
    }

    /**
     * A fresh configuration: new topics and the given out-of-orderness. Idleness stays long, so that
     * a source reader that starts late cannot find the watermark already past its records.
     */
    public static Configuration config(KafkaBrokerExtension kafka, Duration outOfOrderness) {
        Configuration config = FreshTopics.on(kafka);
        config.set(DetectConfig.GROUP_ID, "detect-" + config.get(Topics.EVENTS));
        config.set(DetectConfig.OUT_OF_ORDERNESS, outOfOrderness);
        config.set(Options.CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL);
        return config;
    }

    /** The events in the given order through the detect job with the bundled rules. */
    static Published run(KafkaBrokerExtension kafka, List<NormalizedEvent> events, Duration outOfOrderness) throws Exception {
        return run(kafka, events, config(kafka, outOfOrderness), config -> {});
    }

    static Published run(KafkaBrokerExtension kafka, List<NormalizedEvent> events, Configuration configuration,
                         Consumer<Configuration> adjust) throws Exception {
        adjust.accept(configuration);
        DetectConfig config = DetectConfig.from(configuration);
        kafka.createTopics(config.topics().all());
        kafka.client().send(records(config.topics(), events));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        JobDefaults.apply(env, config.checkpointInterval());
        DetectJob.wire(env, config, BoundedSources.avro(kafka.bootstrapServers(), config.topics().events(), NormalizedEvent.class));
        env.execute("detect test");
        return read(kafka, config.topics());
    }

    static Published read(KafkaBrokerExtension kafka, Topics topics) throws Exception {
        List<String> outputs = new ArrayList<>();
        for (AlertFamily family : AlertFamily.values()) {
            outputs.add(topics.alerts(family));
        }
        outputs.add(topics.fixes());
        SettledTopics.await(kafka.bootstrapServers(), outputs, SETTLE_TIMEOUT);
        Map<AlertFamily, List<Alert>> alerts = new EnumMap<>(AlertFamily.class);
        for (AlertFamily family : AlertFamily.values()) {
            alerts.put(family, AvroRecords.decodeAll(kafka.client().readCommitted(topics.alerts(family)), Alert.class));
        }
        return new Published(alerts, AvroRecords.decodeAll(kafka.client().readCommitted(topics.fixes()), Fix.class));
    }

    /**
     * Events as the normalize job writes them: keyed by id, timestamped when published. The job
     * reads event time from the record; a Kafka timestamp of the fixtures' event time, days old,
     * would let the broker's next retention check delete the input before the job reads it.
     */
    public static List<ProducerRecord<byte[], byte[]>> records(Topics topics, List<NormalizedEvent> events) {
        return events.stream()
                .map(event -> new ProducerRecord<>(topics.events(), null, (Long) null,
                        event.getId().getBytes(StandardCharsets.UTF_8), AvroRecords.encode(event)))
                .toList();
    }

    /** The same events in event-time order: what a job with a tight out-of-orderness may rely on. */
    static List<NormalizedEvent> inEventTimeOrder(List<NormalizedEvent> events) {
        return events.stream().sorted(Comparator.comparing(NormalizedEvent::getEventTime)).toList();
    }

    /** The same events in a random order, the same every run. */
    static List<NormalizedEvent> shuffled(List<NormalizedEvent> events) {
        List<NormalizedEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(T0));
        return shuffled;
    }
}
