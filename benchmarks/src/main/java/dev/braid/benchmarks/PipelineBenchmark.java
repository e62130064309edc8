package dev.braid.benchmarks;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.BraidKafka;
import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Options;
import dev.braid.connectors.RawInput;
import dev.braid.connectors.RawRecord;
import dev.braid.connectors.TopicSpec;
import dev.braid.connectors.Topics;
import dev.braid.correlate.CorrelateConfig;
import dev.braid.correlate.CorrelateJob;
import dev.braid.correlate.functions.AssembleTraces;
import dev.braid.correlate.functions.BundleErrors;
import dev.braid.detect.DetectConfig;
import dev.braid.detect.DetectJob;
import dev.braid.detect.functions.CountLateEvents;
import dev.braid.embedded.EmbeddedKafka;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.NormalizeJob;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.BoundedSources;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaTestClient;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Braid's speed as ratios to its own frame, in one run on one machine: the limit (a pass-through
 * job on the same broker, sources, Flink configuration and exactly-once Avro sink), then normalize,
 * correlate, detect and all three at once, each at saturation on {@link TelemetryMix}; then the
 * latency of raw record to event, trace and alert at 25, 50, 75 and 100 % of the measured
 * maximum, with the jobs' default configuration; state bytes per open trace and per endpoint
 * baseline; or, with {@code --soak}, how far each job has read and heap, RSS, RocksDB and
 * checkpoint sizes every minute.
 * The broker, Flink, the load generator and the benchmark share one JVM, so the process's CPU time
 * is the CPU of everything involved.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl benchmarks exec:exec -Dbenchmark=dev.braid.benchmarks.PipelineBenchmark [-Dbenchmark.args="--quick"]
 * </pre>
 */
public final class PipelineBenchmark {

    /** The interval of the saturation runs: short, so a bounded job's final commit does not dominate. */
    private static final Duration SATURATION_CHECKPOINTS = Duration.ofSeconds(2);
    /** Source operators by name; Flink prefixes them with {@code Source: }. */
    private static final Predicate<String> RAW_SOURCES = name -> name.matches("(Source: )?(raw |pass-through-).*");
    private static final Predicate<String> PASS_THROUGH_WRITER = name -> name.equals("pass-through sink: Writer");
    private static final Predicate<String> EVENT_SOURCES = name -> name.matches("(Source: )?events");

    private final EmbeddedKafka kafka;
    private final BenchCluster cluster;
    private final KafkaTestClient client;
    private final Settings settings;
    /** The raw topics every run reads; the rest are fresh per run. */
    private final Map<Source, String> rawTopics = new LinkedHashMap<>();
    private final Map<String, JobID> eventsJobs = new HashMap<>();
    private final Table table = new Table();

    /** The printed table, line by line as the runs finish. */
    private static final class Table {
        private final List<String> lines = new ArrayList<>();

        void add(String line) {
            lines.add(line);
            System.out.println(line);
        }

        boolean has(String text) {
            return lines.stream().anyMatch(line -> line.contains(text));
        }
    }

    private record Settings(int records, List<Integer> parallelisms, List<Integer> loads, Duration levelLength,
                            Duration soak, int openTraces) {

        static Settings from(List<String> args) {
            boolean quick = args.contains("--quick");
            Settings settings = quick
                    ? new Settings(60_000, List.of(2), List.of(50), Duration.ofSeconds(75), Duration.ZERO, 5_000)
                    : new Settings(200_000, List.of(1, 2), List.of(25, 50, 75, 100), Duration.ofSeconds(120), Duration.ZERO, 20_000);
            int soak = args.indexOf("--soak");
            if (soak >= 0) {
                Duration length = soak + 1 < args.size() && !args.get(soak + 1).startsWith("--")
                        ? Duration.parse("PT" + args.get(soak + 1).toUpperCase()) : Duration.ofMinutes(30);
                settings = new Settings(settings.records, settings.parallelisms, settings.loads, settings.levelLength, length,
                        settings.openTraces);
            }
            return settings;
        }
    }

    /** One saturation run: records in at the head, seconds from its first record to the tail's last, CPU in between. */
    private record Saturation(String stage, long records, double seconds, double cpuSeconds) {

        double perSecond() {
            return records / seconds;
        }

        double perCpuSecond() {
            return records / cpuSeconds;
        }
    }

    private PipelineBenchmark(EmbeddedKafka kafka, BenchCluster cluster, Settings settings) {
        this.kafka = kafka;
        this.cluster = cluster;
        this.client = new KafkaTestClient(kafka.bootstrapServers());
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.from(Arrays.stream(String.join(" ", args).trim().split("\\s+")).toList());
        System.out.printf("Braid pipeline benchmark, %s (cores: %d, max heap: %d MiB, java %s)%n%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); BenchCluster cluster = new BenchCluster()) {
            PipelineBenchmark bench = new PipelineBenchmark(kafka, cluster, settings);
            if (!settings.soak().isZero()) {
                bench.soak();
            } else {
                bench.run();
            }
        }
        System.exit(0); // the Kafka clients' and Flink's non-daemon threads would keep the JVM up
    }

    private void run() throws Exception {
        loadRawTopics();
        Map<Integer, Saturation> allThree = new LinkedHashMap<>();
        for (int parallelism : settings.parallelisms()) {
            allThree.put(parallelism, saturationAt(parallelism));
        }
        for (int parallelism : settings.parallelisms()) {
            for (int load : settings.loads()) {
                latencyAt(parallelism, load, allThree.get(parallelism).perSecond() * load / 100);
            }
        }
        stateSizes();
    }

    // ---------------------------------------------------------------- saturation

    private void loadRawTopics() {
        Configuration config = freshTopics("raw", false);
        Topics topics = Topics.from(config);
        kafka.createTopics(topics.all());
        for (Source source : Source.values()) {
            rawTopics.put(source, topics.raw(source));
        }
        TelemetryMix mix = new TelemetryMix();
        long shipped = System.currentTimeMillis();
        // Event times end now, one millisecond apart: 200,000 records span 200 s of event time, so traces close as in production.
        long first = shipped - settings.records();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(settings.records());
        for (int i = 0; i < settings.records(); i++) {
            records.add(record(topics, mix.next(first + i), shipped));
        }
        client.send(records);
        System.out.printf("Loaded %,d raw records of the mix into %d raw topics.%n", settings.records(), rawTopics.size());
    }

    private Saturation saturationAt(int parallelism) throws Exception {
        table.add(String.format("%nSaturation at parallelism %d (%,d raw records of the mix; checkpoints every %d s; CPU of the whole JVM):",
                parallelism, settings.records(), SATURATION_CHECKPOINTS.toSeconds()));
        table.add(String.format("  %-14s %10s %9s %12s %14s %11s", "job", "records", "seconds", "records/s", "per CPU-second", "x limit"));
        Saturation limit = report(limit(parallelism), null);
        Configuration normalizeRun = freshTopics("normalize-p" + parallelism, false);
        report(normalize(parallelism, normalizeRun), limit);
        Topics normalized = Topics.from(normalizeRun);
        long events = client.readCommitted(normalized.events()).size();
        Configuration correlateRun = eventsRun("correlate", parallelism, normalizeRun);
        report(eventsJob("correlate", parallelism, correlateRun, events), limit);
        Configuration detectRun = eventsRun("detect", parallelism, normalizeRun);
        report(eventsJob("detect", parallelism, detectRun, events), limit);
        Saturation all = report(allThree(parallelism, events), limit);
        table.add(String.format("  published: %,d events and %,d dead letters; %,d trace versions; alerts %s",
                events, client.readCommitted(normalized.deadLetters()).size(),
                client.readCommitted(Topics.from(correlateRun).traces()).size(), alertsByRule(Topics.from(detectRun))));
        JobID correlate = eventsJobs.get("correlate");
        table.add(String.format("  behind the watermark: detect %,d late events; correlate %,d events replayed, %,d traces replayed, %,d errors too late to anchor a bundle",
                cluster.counted(eventsJobs.get("detect"), CountLateEvents.LATE_EVENTS), cluster.counted(correlate, BundleErrors.REPLAYED),
                cluster.counted(correlate, AssembleTraces.REPLAYED), cluster.counted(correlate, BundleErrors.LATE_FOR_BUNDLE)));
        return all;
    }

    /** Per rule, how many alerts opened and how many revisions of them were published in all. */
    private Map<String, String> alertsByRule(Topics topics) {
        Map<String, Set<String>> opened = new TreeMap<>();
        Map<String, Integer> revisions = new HashMap<>();
        for (AlertFamily family : AlertFamily.values()) {
            for (Alert alert : AvroRecords.decodeAll(client.readCommitted(topics.alerts(family)), Alert.class)) {
                opened.computeIfAbsent(alert.getRule(), rule -> new HashSet<>()).add(alert.getId());
                revisions.merge(alert.getRule(), 1, Integer::sum);
            }
        }
        Map<String, String> rules = new TreeMap<>();
        opened.forEach((rule, ids) -> rules.put(rule, ids.size() + " (" + revisions.get(rule) + " revisions)"));
        return rules;
    }

    /** The topics of a correlate or detect run over the events the normalize run committed. */
    private Configuration eventsRun(String name, int parallelism, Configuration normalizeRun) {
        Configuration config = freshTopics(name + "-p" + parallelism, false);
        config.set(Topics.EVENTS, Topics.from(normalizeRun).events());
        kafka.createTopics(Topics.from(config).all());
        return config;
    }

    private Saturation report(Saturation run, Saturation limit) {
        table.add(String.format("  %-14s %,10d %9.1f %,12.0f %,14.0f %11s", run.stage(), run.records(), run.seconds(), run.perSecond(),
                run.perCpuSecond(), limit == null ? "1.00" : String.format("%.2f", run.perSecond() / limit.perSecond())));
        return run;
    }

    private Saturation limit(int parallelism) throws Exception {
        Configuration config = freshTopics("limit-p" + parallelism, false);
        NormalizeConfig normalize = NormalizeConfig.from(config);
        kafka.createTopics(normalize.topics().all());
        JobClient job = cluster.submit("pass-through limit", parallelism, env -> {
            JobDefaults.apply(env, SATURATION_CHECKPOINTS);
            passThrough(env, normalize, BoundedSources.raw(kafka.bootstrapServers(), normalize.topics()));
        });
        // Its window ends when the sink has every record: the sources of a job this fast finish as
        // soon as the network buffers hold the rest, which made the limit look several times higher.
        return measureWindow("pass-through", () -> cluster.emitted(job.getJobID(), RAW_SOURCES) > 0,
                () -> cluster.received(job.getJobID(), PASS_THROUGH_WRITER) >= settings.records(), settings.records(), job);
    }

    private Saturation normalize(int parallelism, Configuration config) throws Exception {
        NormalizeConfig normalize = NormalizeConfig.from(config);
        kafka.createTopics(normalize.topics().all());
        JobClient job = cluster.submit("normalize", parallelism, env -> {
            JobDefaults.apply(env, SATURATION_CHECKPOINTS);
            NormalizeJob.wire(env, normalize, BoundedSources.raw(kafka.bootstrapServers(), normalize.topics()));
        });
        return measure("normalize", job, RAW_SOURCES, settings.records());
    }

    /** Correlate or detect over the events the normalize run committed. */
    private Saturation eventsJob(String name, int parallelism, Configuration config, long events) throws Exception {
        String eventsTopic = Topics.from(config).events();
        JobClient job = cluster.submit(name, parallelism, env -> {
            JobDefaults.apply(env, SATURATION_CHECKPOINTS);
            if (name.equals("correlate")) {
                CorrelateJob.wire(env, CorrelateConfig.from(config),
                        BoundedSources.avro(kafka.bootstrapServers(), eventsTopic, NormalizedEvent.class));
            } else {
                DetectJob.wire(env, DetectConfig.from(config),
                        BoundedSources.avro(kafka.bootstrapServers(), eventsTopic, NormalizedEvent.class));
            }
        });
        eventsJobs.put(name, job.getJobID());
        return measure(name, job, EVENT_SOURCES, events);
    }

    /** The three jobs side by side on production wiring, normalize on the bounded raw records. */
    private Saturation allThree(int parallelism, long events) throws Exception {
        Configuration config = freshTopics("all-p" + parallelism, false);
        kafka.createTopics(Topics.from(config).all());
        NormalizeConfig normalize = NormalizeConfig.from(config);
        JobClient head = cluster.submit("normalize (all three)", parallelism, env -> {
            JobDefaults.apply(env, SATURATION_CHECKPOINTS);
            NormalizeJob.wire(env, normalize, BoundedSources.raw(kafka.bootstrapServers(), normalize.topics()));
        });
        List<JobClient> tails = startCorrelateAndDetect(config, parallelism, SATURATION_CHECKPOINTS);
        Saturation run = measureAll(head, tails, events);
        BenchCluster.cancelAll(tails);
        return run;
    }

    private List<JobClient> startCorrelateAndDetect(Configuration config, int parallelism, Duration checkpoints) throws Exception {
        JobClient correlate = cluster.submit("correlate", parallelism, env -> {
            JobDefaults.apply(env, checkpoints);
            CorrelateJob.wireKafka(env, CorrelateConfig.from(config));
        });
        JobClient detect = cluster.submit("detect", parallelism, env -> {
            JobDefaults.apply(env, checkpoints);
            DetectJob.wireKafka(env, DetectConfig.from(config));
        });
        return List.of(correlate, detect);
    }

    /** One bounded job: from its sources' first record to their last. */
    private Saturation measure(String stage, JobClient job, Predicate<String> sources, long records) throws Exception {
        return measureWindow(stage, () -> cluster.emitted(job.getJobID(), sources) > 0,
                () -> cluster.emitted(job.getJobID(), sources) >= records, records, job);
    }

    /** All three: from normalize's first raw record to the last event read by both correlate and detect. */
    private Saturation measureAll(JobClient head, List<JobClient> tails, long events) throws Exception {
        return measureWindow("all three", () -> cluster.emitted(head.getJobID(), RAW_SOURCES) > 0,
                () -> tails.stream().allMatch(tail -> cluster.emitted(tail.getJobID(), EVENT_SOURCES) >= events),
                settings.records(), head);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Polls every 20 ms from submission: the window opens when the head's sources emit their first
     * record and closes when the tail's have emitted all; then waits for the bounded job to finish.
     */
    private Saturation measureWindow(String stage, Condition started, Condition done, long records, JobClient bounded)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (!started.holds()) {
            awaitTick(deadline, stage + " never started");
        }
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        while (!done.holds()) {
            awaitTick(deadline, stage + " did not process all records");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        bounded.getJobExecutionResult().get();
        return new Saturation(stage, records, seconds, cpuSeconds);
    }

    private static void awaitTick(long deadline, String failure) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(failure);
        }
        Thread.sleep(20); // a polling interval, not a wait for an outcome: the loop's condition is the outcome
    }

    /**
     * Kafka to Kafka with nothing between but a map to the smallest valid event carrying the raw
     * value as its message: the cost of the frame every Braid job pays (deserialization, network,
     * checkpoints, transactions, Avro), without the job's own work.
     */
    private static void passThrough(StreamExecutionEnvironment env, NormalizeConfig config,
            Map<RawInput, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> sources) {
        DataStream<RawRecord> raw = null;
        for (Map.Entry<RawInput, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> source : sources.entrySet()) {
            String name = "pass-through-" + source.getKey().name().toLowerCase();
            DataStream<RawRecord> stream = env.fromSource(source.getValue(), WatermarkStrategy.noWatermarks(), name,
                    TypeInformation.of(RawRecord.class)).uid(name);
            raw = raw == null ? stream : raw.union(stream);
        }
        raw.map(PipelineBenchmark::minimalEvent, new AvroTypeInfo<>(NormalizedEvent.class)).uid("pass-through-map")
                .sinkTo(BraidKafka.exactlyOnceSink(config.kafka(), config.topics().events(), NormalizedEvent.class, NormalizedEvent::getId,
                        event -> event.getEventTime().toEpochMilli(), config.kafka().transactionalIdPrefix("bench", "pass-through")))
                .uid("pass-through-sink").name("pass-through sink");
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

    // ---------------------------------------------------------------- latency and scaling

    /**
     * The three jobs with their default configuration (checkpoints every 10 s, a 30 s inactivity
     * gap) fed the mix at a fixed rate with wall-clock times; latencies are measured from the raw
     * record's own time to the moment a read_committed consumer sees the result: its event, its
     * trace (less the gap) and the alert it completes.
     */
    private void latencyAt(int parallelism, int loadPercent, double rate) throws Exception {
        Configuration config = freshTopics("latency-p" + parallelism + "-" + loadPercent, true);
        Topics topics = Topics.from(config);
        kafka.createTopics(topics.all());
        CorrelateConfig correlate = CorrelateConfig.from(config);
        Duration gap = correlate.inactivityGap();
        List<JobClient> jobs = new ArrayList<>(startCorrelateAndDetect(config, parallelism, Options.CHECKPOINT_INTERVAL.defaultValue()));
        jobs.add(cluster.submit("normalize", parallelism, env -> {
            JobDefaults.apply(env, Options.CHECKPOINT_INTERVAL.defaultValue());
            NormalizeJob.wireKafka(env, NormalizeConfig.from(config));
        }));

        Latencies latencies = new Latencies(topics, gap);
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread consumer = new Thread(() -> latencies.consume(kafka.bootstrapServers(), producing), "latency-consumer");
        consumer.start();
        long cpuStart = processCpuNanos();
        long started = System.currentTimeMillis();
        long sent = produceAt(topics, rate, settings.levelLength(), new AtomicLong());
        double seconds = (System.currentTimeMillis() - started) / 1000.0;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        producing.set(false);
        consumer.join();
        BenchCluster.cancelAll(jobs);

        long warmUp = started + settings.levelLength().toMillis() / 4;
        // A trace ending later than this cannot close while traffic still moves the watermarks.
        long lastClosable = started + settings.levelLength().toMillis() - gap.toMillis() - correlate.outOfOrderness().toMillis()
                - 2 * Options.CHECKPOINT_INTERVAL.defaultValue().toMillis();
        if (!table.has("Latency at")) {
            table.add(String.format("%nLatency at a fixed offered load, default configuration (checkpoints every %d s, gap %d s,"
                            + " out-of-orderness %d s); %d s per level, first quarter skipped; ms from the raw record's own time:",
                    Options.CHECKPOINT_INTERVAL.defaultValue().toSeconds(), gap.toSeconds(), correlate.outOfOrderness().toSeconds(),
                    settings.levelLength().toSeconds()));
            table.add(String.format("  %-4s %5s %9s %9s %8s  %-30s %-30s %-30s", "par.", "load", "offered/s", "achieved", "CPU-s/s",
                    "raw -> event p50/p99/max (n)", "-> trace, beyond the gap", "-> alert"));
        }
        table.add(String.format("  %-4d %4d%% %,9.0f %,9.0f %8.2f  %-30s %-30s %-30s", parallelism, loadPercent, rate, sent / seconds,
                cpuSeconds / seconds, latencies.events.summary(warmUp, Long.MAX_VALUE), latencies.traces.summary(warmUp, lastClosable),
                latencies.alerts.summary(warmUp, Long.MAX_VALUE)));
    }

    /** Sends the mix at {@code rate} records per second for {@code length}, counting in {@code sent} as it goes; returns the count. */
    private long produceAt(Topics topics, double rate, Duration length, AtomicLong sent) {
        TelemetryMix mix = new TelemetryMix();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5, "acks", "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long now = start; now < end; now = System.nanoTime()) {
                long due = (long) ((now - start) / 1e9 * rate);
                for (; sent.get() < due; sent.incrementAndGet()) {
                    long time = System.currentTimeMillis();
                    producer.send(record(topics, mix.next(time), time));
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // pacing: the next millisecond's records
            }
        }
        return sent.get();
    }

    /** What a read_committed consumer sees of events, traces and alerts, with how late it saw each. */
    private static final class Latencies {

        final Samples events = new Samples();
        final Samples traces = new Samples();
        final Samples alerts = new Samples();
        private final Topics topics;
        private final long gapMillis;

        Latencies(Topics topics, Duration gap) {
            this.topics = topics;
            this.gapMillis = gap.toMillis();
        }

        void consume(String bootstrap, AtomicBoolean producing) {
            List<String> alertTopics = EnumSet.allOf(AlertFamily.class).stream().map(topics::alerts).toList();
            List<String> all = new ArrayList<>(alertTopics);
            all.add(topics.events());
            all.add(topics.traces());
            Set<String> seenAlerts = new HashSet<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                    "group.id", "latency-" + UUID.randomUUID(), "isolation.level", "read_committed", "auto.offset.reset", "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(all);
                long drainUntil = Long.MAX_VALUE;
                while (System.currentTimeMillis() < drainUntil) {
                    if (!producing.get() && drainUntil == Long.MAX_VALUE) {
                        drainUntil = System.currentTimeMillis() + 25_000; // the last checkpoints of all three jobs
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        long seen = System.currentTimeMillis();
                        if (record.topic().equals(topics.events())) {
                            long time = AvroRecords.decode(record.value(), NormalizedEvent.class).getEventTime().toEpochMilli();
                            events.add(time, seen - time);
                        } else if (record.topic().equals(topics.traces())) {
                            CorrelatedTrace trace = AvroRecords.decode(record.value(), CorrelatedTrace.class);
                            if (trace.getVersion() == 1) {
                                long end = trace.getEnd().toEpochMilli();
                                traces.add(end, seen - end - gapMillis);
                            }
                        } else {
                            Alert alert = AvroRecords.decode(record.value(), Alert.class);
                            if (seenAlerts.add(alert.getRule() + "/" + alert.getKey() + "/" + alert.getFirstEventTime())) {
                                long last = alert.getLastEventTime().toEpochMilli();
                                alerts.add(last, seen - last);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Latencies keyed by the event time they belong to, so warm-up and unclosable tails can be left out. */
    private static final class Samples {

        private final List<long[]> samples = new ArrayList<>();

        synchronized void add(long time, long latency) {
            samples.add(new long[] {time, latency});
        }

        synchronized String summary(long from, long to) {
            long[] latencies = samples.stream().filter(s -> s[0] >= from && s[0] <= to).mapToLong(s -> s[1]).sorted().toArray();
            if (latencies.length == 0) {
                return "none";
            }
            return String.format("%,d/%,d/%,d (n=%,d)", percentile(latencies, 50), percentile(latencies, 99),
                    latencies[latencies.length - 1], latencies.length);
        }

        private static long percentile(long[] sorted, int percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
        }
    }

    // ---------------------------------------------------------------- state and soak

    /**
     * Bytes of keyed state per open trace (one backend line per trace) and per endpoint baseline
     * (one browser request per endpoint): the growth of a savepoint of correlate and of detect,
     * all three jobs running, after that many were added.
     */
    private void stateSizes() throws Exception {
        Configuration config = freshTopics("state", true);
        Topics topics = Topics.from(config);
        kafka.createTopics(topics.all());
        int parallelism = settings.parallelisms().get(settings.parallelisms().size() - 1);
        List<JobClient> tails = startCorrelateAndDetect(config, parallelism, Options.CHECKPOINT_INTERVAL.defaultValue());
        JobClient normalize = cluster.submit("normalize", parallelism, env -> {
            JobDefaults.apply(env, Options.CHECKPOINT_INTERVAL.defaultValue());
            NormalizeJob.wireKafka(env, NormalizeConfig.from(config));
        });
        long emptyTraces = cluster.savepointBytes(tails.get(0));
        long emptyDetect = cluster.savepointBytes(tails.get(1));

        int count = settings.openTraces();
        long now = System.currentTimeMillis();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2 * count);
        for (int i = 0; i < count; i++) {
            String trace = String.format("%032x", 0x5b8aa5a2L << 64 | i).substring(0, 32);
            records.add(rawRecord(topics.raw(Source.BACKEND), now, "{\"level\":30,\"time\":" + now + ",\"trace_id\":\"" + trace
                    + "\",\"msg\":\"request " + i + "\"}", Map.of("braid.service", "api")));
            records.add(rawRecord(topics.raw(Source.BROWSER), now, "{\"method\":\"Network.requestWillBeSent\",\"params\":{\"requestId\":\"s"
                    + i + "\",\"wallTime\":" + now / 1000.0 + ",\"timestamp\":1.0,\"type\":\"Fetch\",\"request\":{\"url\":\"http://svc-" + i
                    + ".test/api/cart\",\"method\":\"GET\",\"headers\":{}}}}", Map.of()));
        }
        client.send(records);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (cluster.emitted(tails.get(0).getJobID(), EVENT_SOURCES) < 2L * count
                || cluster.emitted(tails.get(1).getJobID(), EVENT_SOURCES) < 2L * count) {
            awaitTick(deadline, "correlate and detect did not read the state records");
        }
        long traces = cluster.savepointBytes(tails.get(0)) - emptyTraces;
        long detect = cluster.savepointBytes(tails.get(1)) - emptyDetect;
        List<JobClient> jobs = new ArrayList<>(tails);
        jobs.add(normalize);
        BenchCluster.cancelAll(jobs);
        table.add(String.format("%nState (canonical savepoint growth after %,d traces of one line and %,d requests to distinct endpoints):", count, count));
        table.add(String.format("  correlate: %,d bytes per open trace; detect: %,d bytes per endpoint key (request counted, no response yet)",
                traces / count, detect / count));
    }

    /**
     * The three jobs at a fixed rate for the soak's length, with the process's memory, the state's size and
     * how far each job has read every minute; then each figure's spread over the second half.
     */
    private void soak() throws Exception {
        int parallelism = 2;
        double rate = 1_000;
        Configuration config = freshTopics("soak", true);
        Topics topics = Topics.from(config);
        kafka.createTopics(topics.all());
        List<JobClient> tails = startCorrelateAndDetect(config, parallelism, Options.CHECKPOINT_INTERVAL.defaultValue());
        JobClient normalize = cluster.submit("normalize", parallelism, env -> {
            JobDefaults.apply(env, Options.CHECKPOINT_INTERVAL.defaultValue());
            NormalizeJob.wireKafka(env, NormalizeConfig.from(config));
        });
        System.out.printf("Soak: all three jobs, parallelism %d, %,.0f records/s for %d min; every minute (state in MiB:"
                + " normalize/correlate/detect):%n", parallelism, rate, settings.soak().toMinutes());
        System.out.printf("  %6s %11s %11s %11s %11s %9s %8s %17s %17s%n", "minute", "sent", "normalized", "correlated",
                "detected", "heap MiB", "RSS MiB", "RocksDB", "checkpoints");
        AtomicLong sent = new AtomicLong();
        Thread producer = new Thread(() -> produceAt(topics, rate, settings.soak(), sent), "soak-producer");
        producer.start();
        List<JobClient> jobs = List.of(normalize, tails.get(0), tails.get(1));
        List<double[]> rows = new ArrayList<>();
        for (long minute = 1; minute <= settings.soak().toMinutes(); minute++) {
            Thread.sleep(60_000); // the soak's own clock: one line per minute of load
            System.gc();
            double[] row = new double[2 + 2 * jobs.size()];
            row[0] = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
            row[1] = residentMiB();
            for (int i = 0; i < jobs.size(); i++) {
                row[2 + i] = cluster.rocksDbBytes(jobs.get(i).getJobID()) / 1048576.0;
                row[2 + jobs.size() + i] = cluster.checkpointBytes(jobs.get(i).getJobID()) / 1048576.0;
            }
            rows.add(row);
            System.out.printf("  %6d %,11d %,11d %,11d %,11d %9.0f %8.0f %5.0f/%5.0f/%5.0f %5.0f/%5.0f/%5.0f%n", minute, sent.get(),
                    cluster.emitted(normalize.getJobID(), RAW_SOURCES), cluster.emitted(tails.get(0).getJobID(), EVENT_SOURCES),
                    cluster.emitted(tails.get(1).getJobID(), EVENT_SOURCES), row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]);
        }
        producer.join();
        table.add(String.format("Soak, second half (minute %d to %d), (max - min) / min: heap %s, RSS %s;", rows.size() / 2 + 1,
                rows.size(), spread(rows, 0), spread(rows, 1)));
        table.add(String.format("  RocksDB: normalize %s, correlate %s, detect %s;", spread(rows, 2), spread(rows, 3), spread(rows, 4)));
        table.add(String.format("  checkpoints: normalize %s, correlate %s, detect %s", spread(rows, 5), spread(rows, 6), spread(rows, 7)));
        BenchCluster.cancelAll(jobs);
    }

    /** How far one figure moved over the second half of the soak, against the target of 10 %. */
    private static String spread(List<double[]> rows, int column) {
        DoubleSummaryStatistics half = rows.subList(rows.size() / 2, rows.size()).stream()
                .mapToDouble(row -> row[column]).summaryStatistics();
        double spread = (half.getMax() - half.getMin()) / half.getMin();
        return String.format("%.1f %% (%s)", 100 * spread, spread <= 0.10 ? "flat" : "not flat");
    }

    private static double residentMiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- shared

    /** Every topic under a fresh suffix, the raw ones too unless the saturation runs' loaded ones should be read. */
    private Configuration freshTopics(String run, boolean freshRaw) {
        String suffix = run + "-" + UUID.randomUUID().toString().substring(0, 8);
        Configuration config = FreshTopics.on(kafka.bootstrapServers(), suffix);
        config.set(KafkaSettings.INSTANCE_ID, suffix);
        if (!freshRaw) {
            rawTopics.forEach((source, topic) -> config.set(Topics.rawOption(source), topic));
        }
        return config;
    }

    private static ProducerRecord<byte[], byte[]> record(Topics topics, TelemetryMix.Raw raw, long shipped) {
        return record(topics.raw(raw.source()), raw, shipped);
    }

    private static ProducerRecord<byte[], byte[]> rawRecord(String topic, long shipped, String value, Map<String, String> headers) {
        return record(topic, new TelemetryMix.Raw(null, "state", value.getBytes(StandardCharsets.UTF_8), headers), shipped);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, TelemetryMix.Raw raw, long shipped) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, shipped, raw.key().getBytes(StandardCharsets.UTF_8), raw.value());
        raw.headers().forEach((name, value) -> record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
        return record;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
