package dev.braid.benchmarks;

import dev.braid.connectors.BraidKafka;
import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.RawRecord;
import dev.braid.connectors.TopicSpec;
import dev.braid.connectors.Topics;
import dev.braid.embedded.EmbeddedKafka;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.NormalizeJob;
import dev.braid.normalize.functions.RawRecordNormalizer;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.BoundedSources;
import dev.braid.testing.KafkaTestClient;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints three figures for the normalize job: the CPU cost of normalizing one record per format
 * (parse, id, redaction, Avro build) on one thread, the end-to-end throughput of the job on an
 * embedded broker and a local Flink (parallelism 2, RocksDB, exactly-once checkpoints), and the
 * limit of that frame measured in the same run: a pass-through job over the same raw records,
 * sources and Avro exactly-once sink, which only maps each record to a minimal event, so that the
 * job's speed is a ratio to what its own frame allows.
 *
 * <pre>mvn -B -q install -DskipTests && mvn -B -q -pl benchmarks exec:exec</pre>
 */
public final class NormalizeBenchmark {

    private static final long T0 = 1_795_255_200_000L;
    private static final int WARMUP_ROUNDS = 20_000;
    private static final int MEASURED_ROUNDS = 100_000;
    private static final int PIPELINE_RECORDS = 200_000;

    private NormalizeBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.out.printf("Braid normalize benchmark  (cores: %d, max heap: %d MiB, java %s)%n%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"));
        perRecordCost();
        pipelineThroughput();
    }

    private static void perRecordCost() {
        RawRecordNormalizer normalizer = new RawRecordNormalizer(1 << 20, NormalizeConfig.MAX_TIME_AHEAD.defaultValue());
        System.out.println("Per-record normalize cost, one thread (parse + id + redaction + Avro build):");
        System.out.printf("  %-22s %12s %14s%n", "format", "µs/record", "records/s");
        for (Map.Entry<String, RawRecord> sample : samples().entrySet()) {
            RawRecord raw = sample.getValue();
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                consume(normalizer.normalize(raw));
            }
            long start = System.nanoTime();
            for (int i = 0; i < MEASURED_ROUNDS; i++) {
                consume(normalizer.normalize(raw));
            }
            double micros = (System.nanoTime() - start) / 1_000.0 / MEASURED_ROUNDS;
            System.out.printf("  %-22s %12.2f %,14.0f%n", sample.getKey(), micros, 1_000_000 / micros);
        }
        System.out.println();
    }

    private static long sink;

    private static void consume(RawRecordNormalizer.Result result) {
        if (result.deadLetter() != null) {
            throw new IllegalStateException("benchmark sample was rejected: " + result.deadLetter().getDetail());
        }
        sink += result.events().size();
    }

    private static void pipelineThroughput() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Configuration settings = new Configuration();
            settings.set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            settings.set(NormalizeConfig.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
            NormalizeConfig config = NormalizeConfig.from(settings);
            Topics topics = config.topics();
            kafka.createTopics(topics.all());
            KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers());
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(PIPELINE_RECORDS);
            // Shipped now, whatever the events' own (fixed) times: retention judges the Kafka timestamp.
            long shipped = System.currentTimeMillis();
            for (int i = 0; i < PIPELINE_RECORDS; i++) {
                boolean browser = i % 4 == 0;
                String value = browser ? cdpRequest(i) : pinoLine(i);
                records.add(new ProducerRecord<>(topics.raw(browser ? Source.BROWSER : Source.BACKEND), null, shipped,
                        ("stream-" + (i % 16)).getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
            }
            client.send(records);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            JobDefaults.apply(env, config.checkpointInterval());
            NormalizeJob.wire(env, config, BoundedSources.raw(kafka.bootstrapServers(), topics));
            long start = System.nanoTime();
            env.execute("normalize benchmark");
            double seconds = (System.nanoTime() - start) / 1e9;
            int written = client.readCommitted(topics.events()).size();
            System.out.println("End-to-end job on the embedded broker (parallelism 2, RocksDB, exactly-once, incl. start-up):");
            System.out.printf("  %,d raw records -> %,d events committed in %.1f s = %,.0f records/s%n",
                    PIPELINE_RECORDS, written, seconds, PIPELINE_RECORDS / seconds);

            String limitTopic = "bench.pass-through";
            kafka.createTopics(List.of(new TopicSpec(limitTopic, topics.all().stream()
                    .filter(spec -> spec.name().equals(topics.events())).findFirst().orElseThrow().partitions(), Map.of())));
            StreamExecutionEnvironment limit = StreamExecutionEnvironment.createLocalEnvironment(2);
            JobDefaults.apply(limit, config.checkpointInterval());
            passThrough(limit, config, BoundedSources.raw(kafka.bootstrapServers(), topics), limitTopic);
            long limitStart = System.nanoTime();
            limit.execute("pass-through limit");
            double limitSeconds = (System.nanoTime() - limitStart) / 1e9;
            int passed = client.readCommitted(limitTopic).size();
            System.out.println("The frame's limit: the same sources and exactly-once Avro sink, each record only mapped:");
            System.out.printf("  %,d raw records -> %,d records committed in %.1f s = %,.0f records/s; normalize runs at %.2f x the limit%n",
                    PIPELINE_RECORDS, passed, limitSeconds, PIPELINE_RECORDS / limitSeconds, limitSeconds / seconds);
            System.out.printf("  JVM heap used after the run: %d MiB (broker, Flink and benchmark in one JVM)%n",
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        }
    }

    /**
     * Kafka to Kafka with nothing between but a map to the smallest valid event carrying the raw
     * value as its message: the cost of the frame every Braid job pays (deserialization, network,
     * checkpoints, transactions, Avro), without the job's own work.
     */
    private static void passThrough(StreamExecutionEnvironment env, NormalizeConfig config,
            Map<Source, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> sources, String topic) {
        DataStream<RawRecord> raw = null;
        for (Map.Entry<Source, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> source : sources.entrySet()) {
            String name = "pass-through-" + source.getKey().name().toLowerCase();
            DataStream<RawRecord> stream = env.fromSource(source.getValue(), WatermarkStrategy.noWatermarks(), name,
                    TypeInformation.of(RawRecord.class)).uid(name);
            raw = raw == null ? stream : raw.union(stream);
        }
        raw.map(NormalizeBenchmark::minimalEvent, new AvroTypeInfo<>(NormalizedEvent.class)).uid("pass-through-map")
                .sinkTo(BraidKafka.exactlyOnceSink(config.kafka(), topic, NormalizedEvent.class, event -> event.getId(),
                        event -> event.getEventTime().toEpochMilli(), config.kafka().transactionalIdPrefix("bench", "pass-through")))
                .uid("pass-through-sink");
    }

    private static NormalizedEvent minimalEvent(RawRecord raw) {
        Instant shipped = Instant.ofEpochMilli(raw.timestamp);
        return NormalizedEvent.newBuilder()
                .setId(raw.topic + "/" + raw.partition + "/" + raw.offset)
                .setEventTime(shipped)
                .setIngestTime(shipped)
                .setSource(raw.source)
                .setKind("raw")
                .setLevel(Level.INFO)
                .setKeys(CorrelationKeys.newBuilder().build())
                .setMessage(new String(raw.value, StandardCharsets.UTF_8))
                .build();
    }

    private static Map<String, RawRecord> samples() {
        Map<String, RawRecord> samples = new LinkedHashMap<>();
        samples.put("pino json", raw(Source.BACKEND, pinoLine(1)));
        samples.put("logback line", raw(Source.BACKEND,
                "10:01:00.160 [http-nio-8080-exec-3] ERROR c.a.shop.checkout.PasswordPolicy - rejected password for order 1182"));
        samples.put("python logging", raw(Source.BACKEND,
                "2026-11-21 10:00:00,123 WARNING shop.cart cart 1182 is missing a price trace_id=4bf92f3577b34da6a3ce929d0e0e4736"));
        samples.put("cdp request", raw(Source.BROWSER, cdpRequest(1)));
        samples.put("web-vital", raw(Source.BROWSER,
                "{\"name\":\"LCP\",\"value\":2512.4,\"rating\":\"needs-improvement\",\"delta\":2512.4,\"id\":\"v5-1795255200000-1\",\"navigationType\":\"navigate\"}"));
        samples.put("agent event", raw(Source.AGENT,
                "{\"type\":\"llm.call\",\"time\":\"2026-11-21T10:00:00Z\",\"task_id\":\"t-1\",\"signature\":\"fix-cart\",\"attempt\":2,"
                        + "\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-5\",\"tokens_in\":18432,\"tokens_out\":1210,\"latency_ms\":8204}"));
        samples.put("git hook", raw(Source.GIT,
                "{\"type\":\"git.commit\",\"repo\":\"acme/shop\",\"branch\":\"main\",\"sha\":\"9c1e5f0d2b7a4e6c8d3f1a0b5e7c9d2f4a6b8c0e\","
                        + "\"parents\":[],\"author\":{\"name\":\"Dana\",\"email\":\"dana@acme.test\"},\"time\":\"2026-11-21T10:00:00Z\","
                        + "\"message\":\"Tighten password validation\",\"files\":[{\"status\":\"M\",\"path\":\"src/validate.ts\"}]}"));
        return samples;
    }

    private static RawRecord raw(Source source, String value) {
        return new RawRecord(source, "raw." + source.name().toLowerCase(), 0, 0, T0, "bench".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static String pinoLine(int i) {
        return "{\"level\":30,\"time\":" + (T0 + i) + ",\"pid\":7,\"hostname\":\"api\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e"
                + String.format("%04x", i & 0xffff) + "\",\"req\":{\"method\":\"GET\",\"url\":\"/api/items?page=" + i
                + "\"},\"msg\":\"request completed\"}";
    }

    private static String cdpRequest(int i) {
        return "{\"method\":\"Network.requestWillBeSent\",\"params\":{\"requestId\":\"r" + i + "\",\"wallTime\":" + (T0 + i) / 1000.0
                + ",\"type\":\"Fetch\",\"request\":{\"url\":\"http://localhost:3000/api/items?token=abc" + i
                + "\",\"method\":\"GET\",\"headers\":{\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\","
                + "\"Authorization\":\"Bearer abcdefghijklmnop\"}}}}";
    }
}
