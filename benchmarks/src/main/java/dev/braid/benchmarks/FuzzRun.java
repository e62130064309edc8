package dev.braid.benchmarks;

import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.TopicSpec;
import dev.braid.connectors.Topics;
import dev.braid.embedded.EmbeddedKafka;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.NormalizeJob;
import dev.braid.normalize.functions.MergeStackTraces;
import dev.braid.testing.BoundedSources;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.HostileInput;
import dev.braid.testing.HostileInput.Mutation;
import dev.braid.testing.HostileInput.Seed;
import dev.braid.testing.KafkaTestClient;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Pushes a million hostile raw records (the real-tool fixtures, each mutated by one of {@link
 * Mutation}) through the normalize job's production pipeline (exactly-once sinks, RocksDB, the
 * embedded broker) and proves every one accounted for: each raw record is either in an event's
 * provenance, or in exactly one dead letter, or a blank line the job counted. Prints the outcome
 * per mutation and the count per dead-letter reason; exits non-zero if one record is missing.
 *
 * <pre>mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl benchmarks exec:exec -Dbenchmark=dev.braid.benchmarks.FuzzRun \
 *     -Dbenchmark.args="--records 1000000"</pre>
 */
public final class FuzzRun {

    private static final int PARTITIONS = 3;
    /** One record in this many gets a ten-megabyte field: enough of them, without shipping terabytes. */
    private static final int HUGE_FIELD_EVERY = 20_000;
    /** The raw topics take records as large as the largest mutation, so that normalize, not Kafka, rejects them. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(10);
    /** Kafka timestamps of the run: now, so that the raw topics' retention keeps every record until it is read. */
    private final long shipped = System.currentTimeMillis();

    private final EmbeddedKafka kafka;
    private final BenchCluster cluster;
    private final Configuration config;
    private final Topics topics;
    private final List<Seed> seeds = HostileInput.seeds();
    private final List<Mutation> everyday = new ArrayList<>(List.of(Mutation.values()));
    /** The mutation of each raw record, by topic and partition, indexed by offset. */
    private final Map<String, List<Mutation>> mutationsSent = new HashMap<>();
    /** The raw records that are blank text, which the job counts and drops as layout, by topic and partition. */
    private final Map<String, BitSet> blank = new HashMap<>();

    private FuzzRun(EmbeddedKafka kafka, BenchCluster cluster) {
        this.kafka = kafka;
        this.cluster = cluster;
        String suffix = "fuzz-" + UUID.randomUUID().toString().substring(0, 8);
        this.config = FreshTopics.on(kafka.bootstrapServers(), suffix);
        config.set(KafkaSettings.INSTANCE_ID, suffix);
        this.topics = Topics.from(config);
        everyday.remove(Mutation.HUGE_FIELD);
    }

    public static void main(String[] args) throws Exception {
        // exec:exec passes the options as one argument.
        List<String> options = Arrays.stream(String.join(" ", args).trim().split("\\s+")).toList();
        int records = options.size() >= 2 && options.get(0).equals("--records") ? Integer.parseInt(options.get(1)) : 1_000_000;
        System.out.printf("Braid fuzz run, %s (cores: %d, max heap: %d MiB, java %s)%n%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        boolean accounted;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); BenchCluster cluster = new BenchCluster()) {
            accounted = new FuzzRun(kafka, cluster).run(records);
        }
        System.exit(accounted ? 0 : 1); // the Kafka clients' and Flink's non-daemon threads would keep the JVM up
    }

    private boolean run(int records) throws Exception {
        createTopics();
        long start = System.nanoTime();
        ship(records);
        System.out.printf("Shipped %,d raw records (%d fixture records of 6 sources x %d mutations) in %.0f s.%n",
                records, seeds.size(), Mutation.values().length, (System.nanoTime() - start) / 1e9);

        start = System.nanoTime();
        NormalizeConfig normalize = NormalizeConfig.from(config);
        JobClient job = cluster.submit("normalize (fuzz)", 2, env -> {
            JobDefaults.apply(env, Duration.ofSeconds(10));
            NormalizeJob.wire(env, normalize, BoundedSources.raw(kafka.bootstrapServers(), topics));
        });
        job.getJobExecutionResult().get();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("The normalize job read them all and finished in %.0f s (%,.0f records/s).%n%n", seconds, records / seconds);

        // Parsing counts the blank records of most sources, merging those of backend logs; both under this name.
        long blank = cluster.counted(job.getJobID(), MergeStackTraces.BLANK_LINES);
        return report(records, blank, cluster.counted(job.getJobID(), "duplicatesDropped"));
    }

    private void createTopics() {
        List<TopicSpec> specs = new ArrayList<>();
        for (TopicSpec spec : topics.all()) {
            Map<String, String> configs = new HashMap<>(spec.configs());
            configs.put("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES));
            specs.add(new TopicSpec(spec.name(), spec.name().equals(topics.events()) ? spec.partitions() : PARTITIONS, configs));
        }
        kafka.createTopics(specs);
    }

    /**
     * Sends record {@code i} as fixture record {@code i % seeds} mutated, with a key and id of its
     * own so that no two are one producer stream or one retry. Partitions are chosen here, so each
     * record's offset, and with it its mutation, is known before the broker confirms it.
     */
    private void ship(int records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_MESSAGE_BYTES));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        AtomicReference<Exception> failed = new AtomicReference<>();
        AtomicLong misplaced = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                Seed seed = seeds.get(i % seeds.size());
                Mutation mutation = i % HUGE_FIELD_EVERY == HUGE_FIELD_EVERY - 1
                        ? Mutation.HUGE_FIELD : everyday.get((i / seeds.size()) % everyday.size());
                String topic = topics.raw(seed.source());
                int partition = i % PARTITIONS;
                List<Mutation> sent = mutationsSent.computeIfAbsent(topic + "/" + partition, p -> new ArrayList<>());
                long expectedOffset = sent.size();
                sent.add(mutation);
                byte[] value = mutation.apply(seed.value(), i);
                if (isBlank(value)) {
                    blank.computeIfAbsent(topic + "/" + partition, p -> new BitSet()).set((int) expectedOffset);
                }
                byte[] id = ("fuzz-" + i).getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> record =
                        new ProducerRecord<>(topic, partition, shipped + i, id, value);
                record.headers().add(new RecordHeader("braid.id", id));
                producer.send(record, (metadata, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    } else if (metadata.offset() != expectedOffset) {
                        misplaced.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("could not ship the fuzz records", failed.get());
        }
        if (misplaced.get() > 0) {
            throw new IllegalStateException(misplaced.get() + " records landed at other offsets than their order gives");
        }
    }

    /** Whether the normalize job takes the bytes for a blank line: valid UTF-8 of white space only. */
    private static boolean isBlank(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString().isBlank();
        } catch (CharacterCodingException notUtf8) {
            return false;
        }
    }

    /** Reads what became of each raw record and prints it; true when every record is accounted for once. */
    private boolean report(int records, long blank, long duplicatesDropped) {
        Map<Mutation, Map<String, Long>> byMutation = new EnumMap<>(Mutation.class);
        RawAccounting raw = RawAccounting.read(new KafkaTestClient(kafka.bootstrapServers()), topics, READ_TIMEOUT,
                (stream, offset, outcome) -> byMutation.computeIfAbsent(mutationsSent.get(stream).get((int) offset),
                        m -> new HashMap<>()).merge(outcome, 1L, Long::sum));
        Map<String, Integer> sent = new HashMap<>();
        mutationsSent.forEach((stream, mutations) -> sent.put(stream, mutations.size()));
        long predictedBlank = this.blank.values().stream().mapToLong(BitSet::cardinality).sum();
        long unaccounted = raw.unaccounted(sent, this.blank);

        System.out.println("Outcome per mutation (raw records):");
        System.out.printf("  %-22s %10s  %s%n", "mutation", "records", "outcomes");
        for (Mutation mutation : Mutation.values()) {
            Map<String, Long> outcomes = byMutation.getOrDefault(mutation, Map.of());
            System.out.printf("  %-22s %,10d  %s%n", mutation, outcomes.values().stream().mapToLong(Long::longValue).sum(), outcomes);
        }
        System.out.println();
        System.out.println("Dead letters per reason:");
        raw.byReason().forEach((reason, count) -> System.out.printf("  %-22s %,10d%n", reason, count));
        System.out.println();
        System.out.println("Accounted for:");
        System.out.printf("  %-40s %,12d%n", "raw records in", records);
        System.out.printf("  %-40s %,12d%n", "with events (events out: " + String.format("%,d", raw.events()) + ")", raw.recordsWithEvents());
        System.out.printf("  %-40s %,12d%n", "dead letters", raw.deadLetters());
        System.out.printf("  %-40s %,12d%n", "blank lines (counted: blankLines)", blank);
        System.out.printf("  %-40s %,12d%n", "blank lines shipped", predictedBlank);
        System.out.printf("  %-40s %,12d%n", "both events and a dead letter", raw.both());
        System.out.printf("  %-40s %,12d%n", "more than one dead letter", raw.repeatedLetters());
        System.out.printf("  %-40s %,12d%n", "events with a repeated id", raw.repeatedIds());
        System.out.printf("  %-40s %,12d%n", "dropped as duplicates (duplicatesDropped)", duplicatesDropped);
        System.out.printf("  %-40s %,12d%n", "unaccounted", unaccounted);
        boolean whole = unaccounted == 0 && blank == predictedBlank && raw.both() == 0 && raw.repeatedLetters() == 0 && raw.repeatedIds() == 0
                && duplicatesDropped == 0;
        if (!whole) {
            System.out.println("  first records without an outcome (blank ones among them): " + raw.firstUnaccounted(sent, 10));
        }
        System.out.printf("%nResult: %s%n", whole ? "100 % accounted for" : "NOT accounted for");
        return whole;
    }
}
