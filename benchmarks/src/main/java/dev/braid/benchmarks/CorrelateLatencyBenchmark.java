package dev.braid.benchmarks;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Options;
import dev.braid.correlate.CorrelateConfig;
import dev.braid.correlate.CorrelateJob;
import dev.braid.embedded.EmbeddedKafka;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the correlation latency of the correlate job: from the event time of a trace's last event,
 * plus the inactivity gap, to the trace being readable. Events carry wall-clock times and flow
 * steadily, as in production, so watermarks follow the clock. Measured both for read_uncommitted
 * (the job's own processing) and read_committed (what consumers see: plus the checkpoint wait).
 *
 * <pre>mvn -B -q install -DskipTests && mvn -B -q -pl benchmarks exec:exec -Dbenchmark=dev.braid.benchmarks.CorrelateLatencyBenchmark</pre>
 */
public final class CorrelateLatencyBenchmark {

    private static final Duration GAP = Duration.ofSeconds(1);
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(200);
    private static final Duration RUN = Duration.ofSeconds(40);
    private static final Duration WARMUP = Duration.ofSeconds(10);
    private static final long TRACE_EVERY_MS = 20;

    private CorrelateLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Configuration settings = new Configuration();
            settings.set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            settings.set(CorrelateConfig.INACTIVITY_GAP, GAP);
            settings.set(CorrelateConfig.OUT_OF_ORDERNESS, Duration.ofMillis(100));
            settings.set(CorrelateConfig.IDLENESS, Duration.ofSeconds(1));
            settings.set(Options.CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL);
            CorrelateConfig config = CorrelateConfig.from(settings);
            kafka.createTopics(config.topics().all());

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            JobDefaults.apply(env, config.checkpointInterval());
            env.getConfig().setAutoWatermarkInterval(50);
            CorrelateJob.wireKafka(env, config);
            JobClient job = env.executeAsync("correlate latency benchmark");

            Thread producer = new Thread(() -> produce(kafka.bootstrapServers(), config.topics().events()));
            producer.start();
            Map<String, List<Long>> latencies = consume(kafka.bootstrapServers(), config.topics().traces());
            producer.join();
            job.cancel().get();

            System.out.printf("Correlation latency beyond the %d ms inactivity gap (%d traces/s for %d s, first %d s skipped):%n",
                    GAP.toMillis(), 1000 / TRACE_EVERY_MS, RUN.toSeconds(), WARMUP.toSeconds());
            latencies.forEach((isolation, values) -> System.out.printf(
                    "  %-17s n=%,6d  p50 %5d ms  p95 %5d ms  p99 %5d ms  max %5d ms%n",
                    isolation, values.size(), percentile(values, 50), percentile(values, 95), percentile(values, 99),
                    percentile(values, 100)));
            System.out.printf("  (checkpoint interval %d ms, out-of-orderness 100 ms, auto-watermark interval 50 ms)%n",
                    CHECKPOINT_INTERVAL.toMillis());
        }
    }

    /** One two-event trace every 20 ms, with the wall clock as event time. */
    private static void produce(String bootstrap, String topic) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "linger.ms", 0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            long end = System.currentTimeMillis() + RUN.toMillis();
            for (int i = 0; System.currentTimeMillis() < end; i++) {
                String traceId = String.format("%032x", i);
                for (int e = 0; e < 2; e++) {
                    long now = System.currentTimeMillis();
                    NormalizedEvent event = NormalizedEvent.newBuilder()
                            .setId(traceId + "-" + e).setEventTime(Instant.ofEpochMilli(now)).setIngestTime(Instant.ofEpochMilli(now))
                            .setSource(Source.BACKEND).setKind("log").setLevel(Level.INFO).setTraceId(traceId)
                            .setKeys(CorrelationKeys.newBuilder().build()).setMessage("step " + e)
                            .setMetadata(new HashMap<>()).setTags(new ArrayList<>()).build();
                    producer.send(new ProducerRecord<>(topic, null, now, ("trace:" + traceId).getBytes(StandardCharsets.UTF_8),
                            AvroRecords.encode(event)));
                }
                Thread.sleep(TRACE_EVERY_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, List<Long>> consume(String bootstrap, String topic) {
        Map<String, List<Long>> latencies = new HashMap<>();
        List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
        for (String isolation : List.of("read_uncommitted", "read_committed")) {
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    "bootstrap.servers", bootstrap, "group.id", "latency-" + isolation, "isolation.level", isolation,
                    "auto.offset.reset", "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topic));
            consumers.add(consumer);
            latencies.put(isolation, new ArrayList<>());
        }
        long start = System.currentTimeMillis();
        long end = start + RUN.toMillis() + GAP.toMillis() + 3000;
        while (System.currentTimeMillis() < end) {
            for (KafkaConsumer<byte[], byte[]> consumer : consumers) {
                String isolation = consumer == consumers.get(0) ? "read_uncommitted" : "read_committed";
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(5))) {
                    long seen = System.currentTimeMillis();
                    CorrelatedTrace trace = AvroRecords.decode(record.value(), CorrelatedTrace.class);
                    if (trace.getEnd().toEpochMilli() > start + WARMUP.toMillis()) {
                        latencies.get(isolation).add(seen - trace.getEnd().toEpochMilli() - GAP.toMillis());
                    }
                }
            }
        }
        consumers.forEach(KafkaConsumer::close);
        return latencies;
    }

    private static long percentile(List<Long> values, int percentile) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
