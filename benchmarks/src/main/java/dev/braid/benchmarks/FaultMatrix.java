package dev.braid.benchmarks;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.ConsumerGroups;
import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Topics;
import dev.braid.correlate.CorrelateConfig;
import dev.braid.correlate.CorrelateJob;
import dev.braid.detect.DetectConfig;
import dev.braid.detect.DetectJob;
import dev.braid.detect.functions.CountLateEvents;
import dev.braid.embedded.EmbeddedKafka;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.NormalizeJob;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaTestClient;
import dev.braid.testing.TcpProxy;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fault matrix: the three jobs run together, production wiring, on a sequence-numbered input
 * across the six sources while one kind of fault strikes again and again at random moments. Then
 * every raw record must be accounted for once (events or a dead letter), no event, trace or alert
 * may be committed twice under read_committed (nor seen twice by a reader that read through the
 * faults), and the alerts must be those of a fault-free run of the same input. Each kind of fault
 * has a run of its own, on a fresh broker (behind a TCP proxy on loopback) and a fresh cluster of
 * three TaskManagers of one slot. Prints one row per fault: count, records in and out, lost, duplicated, and the
 * recovery time from each fault's end to the next commit of events. Exits non-zero on any loss or
 * duplicate.
 *
 * <pre>mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl benchmarks exec:exec -Dbenchmark=dev.braid.benchmarks.FaultMatrix
 *     [-Dbenchmark.args="--quick | --only NETWORK_STALL [--records 20000]"]</pre>
 */
public final class FaultMatrix {

    /** The faults, each injected and healed by the run; the time in between is the fault's own. */
    enum Fault {
        TASK_MANAGER_KILL("TaskManager killed", Duration.ZERO),
        BROKER_RESTART("broker restarted (clean)", Duration.ZERO),
        CONNECTIONS_CUT("every broker connection cut", Duration.ZERO),
        NETWORK_STALL("network stalled 40 s (request timeout 30 s)", Duration.ofSeconds(40)),
        LATENCY("300 ms latency for 20 s", Duration.ofSeconds(20)),
        SLOW_BROKER("broker reached at 64 KiB/s for 30 s", Duration.ofSeconds(30));

        final String label;
        final Duration lasts;

        Fault(String label, Duration lasts) {
            this.label = label;
            this.lasts = lasts;
        }
    }

    /** How many records each run ships, and how often each fault strikes. */
    record Plan(int records, Map<Fault, Integer> strikes) {

        /**
         * How long every run ships its records: long enough for the longest series of strikes to
         * hit the jobs mid-stream. One pace for all runs, the fault-free one too, since a
         * detection rule's windows see the same records at another pace as other batches.
         */
        Duration shipping() {
            Duration longest = Duration.ZERO;
            for (Map.Entry<Fault, Integer> strike : strikes.entrySet()) {
                Duration series = strike.getKey().lasts.plus(STRIKE_ALLOWANCE).multipliedBy(strike.getValue());
                longest = series.compareTo(longest) > 0 ? series : longest;
            }
            return longest.plus(WARM_UP);
        }

        static Plan full() {
            Map<Fault, Integer> strikes = new LinkedHashMap<>();
            strikes.put(Fault.TASK_MANAGER_KILL, 20);
            strikes.put(Fault.BROKER_RESTART, 5);
            strikes.put(Fault.CONNECTIONS_CUT, 5);
            strikes.put(Fault.NETWORK_STALL, 2);
            strikes.put(Fault.LATENCY, 2);
            strikes.put(Fault.SLOW_BROKER, 2);
            return new Plan(100_000, strikes);
        }

        /**
         * The full plan, or with {@code --quick} CI's; {@code --only FAULT} keeps one fault of it and
         * {@code --records N} ships another number of records, to rerun one fault's finding.
         */
        static Plan from(List<String> args) {
            Plan plan = args.contains("--quick") ? quick() : full();
            int only = args.indexOf("--only");
            if (only >= 0) {
                Fault fault = Fault.valueOf(args.get(only + 1).toUpperCase());
                plan = new Plan(plan.records(), Map.of(fault, plan.strikes().getOrDefault(fault, full().strikes().get(fault))));
            }
            int records = args.indexOf("--records");
            return records < 0 ? plan : new Plan(Integer.parseInt(args.get(records + 1)), plan.strikes());
        }

        /** What CI runs: a few kills and one broker restart. */
        static Plan quick() {
            Map<Fault, Integer> strikes = new LinkedHashMap<>();
            strikes.put(Fault.TASK_MANAGER_KILL, 3);
            strikes.put(Fault.BROKER_RESTART, 1);
            return new Plan(20_000, strikes);
        }
    }

    /** One row of the matrix. */
    record Row(Fault fault, int strikes, long recordsIn, long events, long deadLetters, long lost, long duplicatedEvents,
               long duplicatedTraces, long duplicatedAlerts, long seenTwiceByReader, long alertsUnlikeFaultFree,
               List<Duration> recoveries) {

        boolean clean() {
            return lost == 0 && duplicatedEvents == 0 && duplicatedTraces == 0 && duplicatedAlerts == 0
                    && seenTwiceByReader == 0 && alertsUnlikeFaultFree == 0 && recoveries.size() == strikes;
        }
    }

    /** What one run committed. */
    private record Outputs(RawAccounting raw, long unaccounted, long duplicatedTraces, long duplicatedAlerts,
                           Set<String> alerts, long seenTwiceByReader) {}

    /** One slot each, so that each job of parallelism 1 has a TaskManager of its own and every kill hits one. */
    private static final int TASK_MANAGERS = 3;
    private static final int SLOTS_PER_TASK_MANAGER = 1;
    private static final Duration CHECKPOINTS = Duration.ofSeconds(2);
    /** The time a strike takes beyond its fault's own: the pause before it and the recovery after. */
    private static final Duration STRIKE_ALLOWANCE = Duration.ofSeconds(15);
    /** Shipping time before the first strike: the jobs start and commit once. */
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    /** Longest a recovery may take before the run calls it failed. */
    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(3);
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(5);

    private final long t0 = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).toEpochMilli();
    private final Random random = new Random(16);

    public static void main(String[] args) throws Exception {
        Plan plan = Plan.from(Arrays.asList(String.join(" ", args).trim().split("\\s+")));
        System.out.printf("Braid fault matrix, %s (cores: %d, max heap: %d MiB, java %s)%n%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        List<Row> rows = new FaultMatrix().run(plan);
        printTable(rows);
        System.exit(rows.stream().allMatch(Row::clean) ? 0 : 1); // the Kafka clients' and Flink's threads would keep the JVM up
    }

    /** The fault-free run, then one run per fault of the plan. */
    List<Row> run(Plan plan) throws Exception {
        System.out.printf("Fault-free run of %,d records ...%n", plan.records());
        Outputs faultFree = runOnce(plan, null, 0, new ArrayList<>());
        System.out.printf("  %,d events, %,d dead letters, %d alerts%n", faultFree.raw().events(), faultFree.raw().deadLetters(),
                faultFree.alerts().size());
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Fault, Integer> strikes : plan.strikes().entrySet()) {
            System.out.printf("%s x %d, %,d records ...%n", strikes.getKey().label, strikes.getValue(), plan.records());
            List<Duration> recoveries = new ArrayList<>();
            Outputs outputs = runOnce(plan, strikes.getKey(), strikes.getValue(), recoveries);
            Set<String> missing = new TreeSet<>(faultFree.alerts());
            missing.removeAll(outputs.alerts());
            Set<String> extra = new TreeSet<>(outputs.alerts());
            extra.removeAll(faultFree.alerts());
            if (!missing.isEmpty() || !extra.isEmpty()) {
                System.out.println("  alert records of the fault-free run missing here: " + missing);
                System.out.println("  alert records here the fault-free run has not: " + extra);
            }
            Set<String> unlike = new TreeSet<>(missing);
            unlike.addAll(extra);
            rows.add(new Row(strikes.getKey(), strikes.getValue(), plan.records(), outputs.raw().events(),
                    outputs.raw().deadLetters(), outputs.unaccounted(), outputs.raw().repeatedIds() + outputs.raw().repeatedLetters(),
                    outputs.duplicatedTraces(), outputs.duplicatedAlerts(), outputs.seenTwiceByReader(), unlike.size(), recoveries));
        }
        return rows;
    }

    private Outputs runOnce(Plan plan, Fault fault, int strikes, List<Duration> recoveries) throws Exception {
        int records = plan.records();
        try (TcpProxy proxy = TcpProxy.start();
             EmbeddedKafka kafka = EmbeddedKafka.startBehind(proxy.port());
             BenchCluster cluster = new BenchCluster(TASK_MANAGERS, SLOTS_PER_TASK_MANAGER)) {
            proxy.forwardTo("127.0.0.1", kafka.clientListener());
            String run = (fault == null ? "fault-free" : fault.name().toLowerCase()) + "-" + UUID.randomUUID().toString().substring(0, 8);
            Configuration config = FreshTopics.on(kafka.bootstrapServers(), run);
            config.set(KafkaSettings.INSTANCE_ID, run);
            Topics topics = Topics.from(config);
            kafka.createTopics(topics.all());
            List<JobClient> jobs = startJobs(cluster, config);
            KafkaTestClient direct = new KafkaTestClient(kafka.internalServers());

            Duration shipping = plan.shipping();
            Map<String, Integer> sent = new ConcurrentHashMap<>();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread shipper = daemon("fault-matrix-shipper", failed, () -> ship(kafka.internalServers(), topics, records, shipping, sent));
            ConcurrentReader reader = new ConcurrentReader(kafka.internalServers(), topics.events());
            Thread reading = daemon("fault-matrix-reader", failed, reader);
            try (CommitWatch commits = new CommitWatch(kafka.internalServers(), topics.events())) {
                commits.awaitCommitAfter(commits.committed(), RECOVERY_LIMIT);
                for (int strike = 0; fault != null && strike < strikes; strike++) {
                    Thread.sleep(2_000 + random.nextInt(4_000)); // a random moment: the pacing of the scenario, not a wait for a condition
                    inject(fault, kafka, proxy, cluster);
                    Duration recovery = commits.awaitCommitAfter(commits.committed(), RECOVERY_LIMIT);
                    if (recovery != null) {
                        recoveries.add(recovery);
                    } else {
                        System.out.printf("  strike %d: no commit within %d s%n", strike + 1, RECOVERY_LIMIT.toSeconds());
                    }
                }
            }
            shipper.join();
            rethrow(failed);
            drain(kafka.internalServers(), config, topics);
            RawAccounting raw = awaitAccounted(direct, topics, sent);
            reader.stop();
            reading.join();
            rethrow(failed);
            Map<String, Long> late = cluster.countedByOperator(jobs.get(2).getJobID(), CountLateEvents.LATE_EVENTS);
            if (!late.isEmpty()) {
                System.out.println("  events late for a detection rule: " + late);
            }
            BenchCluster.cancelAll(jobs);
            List<Alert> alerts = allAlerts(direct, topics);
            return new Outputs(raw, raw.unaccounted(sent), repeatedTraceVersions(direct, topics), repeatedRevisions(alerts),
                    described(alerts), reader.seenTwice());
        }
    }

    private static List<JobClient> startJobs(BenchCluster cluster, Configuration config) throws Exception {
        List<JobClient> jobs = new ArrayList<>();
        jobs.add(cluster.submit("normalize", 1, env -> {
            JobDefaults.apply(env, CHECKPOINTS);
            NormalizeJob.wireKafka(env, NormalizeConfig.from(config));
        }));
        jobs.add(cluster.submit("correlate", 1, env -> {
            JobDefaults.apply(env, CHECKPOINTS);
            CorrelateJob.wireKafka(env, CorrelateConfig.from(config));
        }));
        jobs.add(cluster.submit("detect", 1, env -> {
            JobDefaults.apply(env, CHECKPOINTS);
            DetectJob.wireKafka(env, DetectConfig.from(config));
        }));
        return jobs;
    }

    /** Injects the fault and heals it after it lasted; a kill's replacement starts at once, as an orchestrator would start it. */
    private void inject(Fault fault, EmbeddedKafka kafka, TcpProxy proxy, BenchCluster cluster) throws Exception {
        switch (fault) {
            case TASK_MANAGER_KILL -> {
                cluster.killTaskManager(random.nextInt(TASK_MANAGERS));
                cluster.startTaskManager();
            }
            case BROKER_RESTART -> kafka.restart();
            case CONNECTIONS_CUT -> proxy.cutAll();
            case NETWORK_STALL -> {
                proxy.stall(true);
                Thread.sleep(fault.lasts.toMillis());
                proxy.stall(false);
            }
            case LATENCY -> {
                proxy.latency(Duration.ofMillis(300));
                Thread.sleep(fault.lasts.toMillis());
                proxy.latency(Duration.ZERO);
            }
            case SLOW_BROKER -> {
                proxy.throttle(64 * 1024);
                Thread.sleep(fault.lasts.toMillis());
                proxy.throttle(0);
            }
        }
    }

    /**
     * Ships record i of the telemetry mix, with its own sequence number as shipper id, at an even
     * pace over {@code over}; event times are fixed by the sequence, so every run ships the same
     * records. Counts what landed per raw topic and partition.
     */
    private void ship(String servers, Topics topics, int records, Duration over, Map<String, Integer> sent) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        TelemetryMix mix = new TelemetryMix();
        // Event time runs as fast as shipping, as it does where tools ship as they go; and it is
        // the same in every run, so that their alerts compare.
        double spacingMillis = (double) over.toMillis() / records;
        AtomicReference<Exception> failed = new AtomicReference<>();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                TelemetryMix.Raw raw = mix.next(t0 + (long) (i * spacingMillis));
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.raw(raw.source()), null, System.currentTimeMillis(),
                        raw.key().getBytes(StandardCharsets.UTF_8), raw.value());
                raw.headers().forEach((name, value) -> record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
                record.headers().add(new RecordHeader("braid.id", ("seq-" + i).getBytes(StandardCharsets.UTF_8)));
                producer.send(record, (metadata, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                        return;
                    }
                    sent.merge(metadata.topic() + "/" + metadata.partition(), 1, Integer::sum);
                });
                long due = start + over.toNanos() * (i + 1) / records;
                long ahead = due - System.nanoTime();
                if (ahead > 1_000_000) {
                    Thread.sleep(ahead / 1_000_000); // the shipping pace
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("could not ship the records of the fault matrix", failed.get());
        }
    }

    /** Waits until each job's consumer group has committed the ends of what it reads. */
    private static void drain(String servers, Configuration config, Topics topics) throws InterruptedException {
        List<String> raw = Arrays.stream(Source.values()).map(topics::raw).toList();
        ConsumerGroups.awaitConsumed(servers, NormalizeConfig.from(config).groupId(), raw, DRAIN_LIMIT);
        ConsumerGroups.awaitConsumed(servers, CorrelateConfig.from(config).groupId(), List.of(topics.events()), DRAIN_LIMIT);
        ConsumerGroups.awaitConsumed(servers, DetectConfig.from(config).groupId(), List.of(topics.events()), DRAIN_LIMIT);
    }

    /** Reads the committed outputs until every record sent has an outcome; the sinks commit at the checkpoint after the offsets. */
    private static RawAccounting awaitAccounted(KafkaTestClient client, Topics topics, Map<String, Integer> sent)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        RawAccounting raw = RawAccounting.read(client, topics, DRAIN_LIMIT);
        while (raw.unaccounted(sent) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(CHECKPOINTS.toMillis()); // the next checkpoint commits the rest
            raw = RawAccounting.read(client, topics, DRAIN_LIMIT);
        }
        if (raw.unaccounted(sent) > 0) {
            System.out.println("  records without an outcome: " + raw.firstUnaccounted(sent, 10));
        }
        return raw;
    }

    private static long repeatedTraceVersions(KafkaTestClient client, Topics topics) {
        Set<String> seen = new HashSet<>();
        AtomicLong repeated = new AtomicLong();
        client.forEachCommitted(topics.traces(), DRAIN_LIMIT, record -> {
            CorrelatedTrace trace = AvroRecords.decode(record.value(), CorrelatedTrace.class);
            if (!seen.add(trace.getTraceId() + "#" + trace.getVersion())) {
                repeated.incrementAndGet();
            }
        });
        return repeated.get();
    }

    private static long repeatedRevisions(List<Alert> alerts) {
        Set<String> seen = new HashSet<>();
        long repeated = 0;
        for (Alert alert : alerts) {
            if (!seen.add(alert.getId() + "#" + alert.getRevision())) {
                repeated++;
            }
        }
        return repeated;
    }

    /** Each alert record as rule, key, status and revision: what a fault-free run of the same input also commits. */
    private static Set<String> described(List<Alert> alerts) {
        Set<String> described = new TreeSet<>();
        for (Alert alert : alerts) {
            described.add(alert.getRule() + " " + alert.getKey() + " " + alert.getStatus() + " r" + alert.getRevision());
        }
        return described;
    }

    private static List<Alert> allAlerts(KafkaTestClient client, Topics topics) {
        List<Alert> alerts = new ArrayList<>();
        for (AlertFamily family : AlertFamily.values()) {
            client.forEachCommitted(topics.alerts(family), DRAIN_LIMIT, record -> alerts.add(AvroRecords.decode(record.value(), Alert.class)));
        }
        return alerts;
    }

    private static void printTable(List<Row> rows) {
        System.out.printf("%n%-44s %6s %10s %10s %8s %6s %12s %10s %10s %12s %12s%n", "fault", "count", "records in", "events",
                "dead l.", "lost", "duplicated", "reader dup", "alerts !=", "recovery p50", "recovery max");
        for (Row row : rows) {
            List<Duration> sorted = row.recoveries().stream().sorted().toList();
            String p50 = sorted.isEmpty() ? "-" : String.format("%.1f s", sorted.get((sorted.size() - 1) / 2).toMillis() / 1000.0);
            String max = sorted.isEmpty() ? "-" : String.format("%.1f s", sorted.get(sorted.size() - 1).toMillis() / 1000.0);
            System.out.printf("%-44s %6d %,10d %,10d %,8d %6d %12s %10d %10d %12s %12s%n", row.fault().label, row.strikes(), row.recordsIn(),
                    row.events(), row.deadLetters(), row.lost(),
                    row.duplicatedEvents() + "/" + row.duplicatedTraces() + "/" + row.duplicatedAlerts(),
                    row.seenTwiceByReader(), row.alertsUnlikeFaultFree(), p50, max);
        }
        System.out.println("(duplicated: events/traces/alerts committed twice under read_committed; reader dup: events a reader"
                + " saw twice while the faults struck; alerts !=: alert records unlike the fault-free run's)");
        System.out.printf("%nResult: %s%n", rows.stream().allMatch(Row::clean) ? "nothing lost, nothing duplicated" : "FAILED");
    }

    /** Runs {@code work} on a thread of its own; what it throws is kept in {@code failed} for the run to rethrow. */
    private static Thread daemon(String name, AtomicReference<Throwable> failed, Runnable work) {
        Thread thread = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                failed.compareAndSet(null, e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void rethrow(AtomicReference<Throwable> failed) {
        if (failed.get() != null) {
            throw new IllegalStateException("a thread of the run failed: " + failed.get(), failed.get());
        }
    }

    /** The events topic's last stable offset, summed over its partitions: it moves when a transaction commits. */
    private static final class CommitWatch implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;

        CommitWatch(String servers, String topic) {
            consumer = new KafkaTestClient(servers).committedConsumer();
            partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        }

        long committed() {
            long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
            while (true) {
                try {
                    return consumer.endOffsets(partitions, Duration.ofSeconds(5)).values().stream().mapToLong(Long::longValue).sum();
                } catch (org.apache.kafka.common.errors.TimeoutException brokerDown) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not answer within " + RECOVERY_LIMIT.toSeconds() + " s", brokerDown);
                    }
                    // the broker is restarting: ask again
                }
            }
        }

        /** How long until the committed end passes {@code before}; null if not within {@code limit}. */
        Duration awaitCommitAfter(long before, Duration limit) throws InterruptedException {
            long start = System.nanoTime();
            while (System.nanoTime() - start < limit.toNanos()) {
                if (committed() > before) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                Thread.sleep(100); // a poll interval: the condition is the commit
            }
            return null;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** A read_committed reader of the events topic through the faults, as a downstream consumer reads it. */
    private static final class ConcurrentReader implements Runnable {
        private final String servers;
        private final String topic;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Set<String> seen = new HashSet<>();
        private final AtomicLong seenTwice = new AtomicLong();

        ConcurrentReader(String servers, String topic) {
            this.servers = servers;
            this.topic = topic;
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaTestClient(servers).committedConsumer()) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        String id = AvroRecords.decode(record.value(), NormalizedEvent.class).getId();
                        if (!seen.add(id)) {
                            seenTwice.incrementAndGet();
                        }
                    }
                }
            }
        }

        void stop() {
            running.set(false);
        }

        long seenTwice() {
            return seenTwice.get();
        }
    }
}
