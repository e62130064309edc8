package dev.braid.cli;

import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Topics;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.NormalizeJob;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.AvroRecords;
import dev.braid.testing.EmbeddedKafka;
import dev.braid.testing.KafkaTestClient;
import dev.braid.testing.BoundedSources;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the normalize job on an in-JVM Kafka broker and a local Flink with RocksDB state and
 * exactly-once checkpoints, replays the demo scenario and prints what came out.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run Braid on an embedded Kafka broker and a local Flink, replay a sample day, print the results.")
final class DemoCommand implements Runnable {

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    boolean verbose;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    private final PrintStream out = System.out;

    @Override
    public void run() {
        out.println("Starting an in-JVM Kafka broker ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            NormalizeConfig config = NormalizeConfig.from(configFor(kafka));
            kafka.createTopics(config.topics().all());
            KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers());
            List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> scenario = DemoScenario.records(config.topics());
            client.send(scenario);
            out.printf("Sent %d raw records to %s%n", scenario.size(), rawTopics(config.topics()));

            runNormalize(kafka, config);

            List<NormalizedEvent> events = AvroRecords.decodeAll(client.readCommitted(config.topics().events()), NormalizedEvent.class);
            List<DeadLetter> deadLetters = AvroRecords.decodeAll(client.readCommitted(config.topics().deadLetters()), DeadLetter.class);
            report(events, deadLetters);
        } catch (Exception e) {
            throw new IllegalStateException("demo failed: " + e.getMessage(), e);
        }
    }

    private static Configuration configFor(EmbeddedKafka kafka) {
        Configuration config = new Configuration();
        config.set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(NormalizeConfig.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        config.set(NormalizeConfig.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        return config;
    }

    private void runNormalize(EmbeddedKafka kafka, NormalizeConfig config) throws Exception {
        Path checkpoints = Files.createTempDirectory("braid-demo-checkpoints");
        Configuration local = new Configuration();
        local.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, local);
        JobDefaults.apply(env, config.checkpointInterval());

        Topics topics = config.topics();
        NormalizeJob.wire(env, config, BoundedSources.raw(kafka.bootstrapServers(), topics));
        out.println("Running the normalize job on a local Flink (RocksDB state, exactly-once checkpoints) ...");
        env.execute("braid-normalize (demo)");
    }

    private void report(List<NormalizedEvent> events, List<DeadLetter> deadLetters) {
        Map<String, Integer> bySource = new TreeMap<>();
        events.forEach(e -> bySource.merge(e.getSource().name().toLowerCase(), 1, Integer::sum));
        out.printf("%nNormalized events: %d %s%n", events.size(), bySource);
        events.stream()
                .sorted((a, b) -> a.getEventTime().compareTo(b.getEventTime()))
                .forEach(e -> out.printf("  %s  %-7s %-5s %-18s %s%s%n",
                        e.getEventTime(), e.getSource().name().toLowerCase(), e.getLevel(), e.getKind(),
                        shorten(e.getMessage()), e.getTraceId() == null ? "" : "  trace=" + e.getTraceId()));
        out.printf("%nDead letters: %d%n", deadLetters.size());
        deadLetters.forEach(d -> out.printf("  %s from %s-%d@%d: %s%n",
                d.getReason(), d.getSourceTopic(), d.getPartition(), d.getOffset(), shorten(d.getDetail())));
    }

    private static String rawTopics(Topics topics) {
        StringBuilder names = new StringBuilder();
        for (Source source : Source.values()) {
            names.append(names.length() == 0 ? "" : ", ").append(topics.raw(source));
        }
        return names.toString();
    }

    private static String shorten(String text) {
        String line = text.replace('\n', ' ');
        return line.length() > 90 ? line.substring(0, 89) + "…" : line;
    }
}
