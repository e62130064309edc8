package dev.braid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cli.Brokers;
import dev.braid.cli.CliRun;
import dev.braid.cli.DemoScenario;
import dev.braid.cli.JobJars;
import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.ConsumerGroups;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Topics;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.KafkaTestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Braid as a platform team runs it: the three job jars submitted by {@code braid deploy} to a
 * session cluster of a JobManager and two TaskManagers in containers, against Kafka in a container.
 * Read back under read_committed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2ETest {

    @RegisterExtension
    static final BraidCluster CLUSTER = new BraidCluster();

    private static final int RECORDS = 100_000;
    private static final long T0 = 1_795_255_200_000L;
    private static final Pattern SEQUENCE = Pattern.compile("request (\\d+)");
    private static final Duration PATIENCE = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Configuration config;
    private static Topics topics;
    /** The deploy command of the jobs running now, without the flags of what they started from. */
    private static List<String> deployed;

    @BeforeAll
    static void deployTheJobs() throws Exception {
        config = new Configuration();
        config.set(KafkaSettings.BOOTSTRAP_SERVERS, CLUSTER.bootstrapServers());
        topics = Topics.from(config);
        CLUSTER.createTopics(topics.all());

        deployed = deployCommand();
        CliRun deploy = CliRun.on(config, deployed);

        assertThat(deploy.exitCode()).as(deploy.err()).isZero();
        assertThat(deploy.out().lines()).hasSize(3);
    }

    /**
     * 100,000 sequence-numbered lines while a TaskManager is SIGKILLed mid-stream and a new one
     * joins: every line comes out as one event, none twice.
     */
    @Test
    @Order(1)
    void aTaskManagerKilledMidStreamLosesAndDuplicatesNothing() throws Exception {
        List<ProducerRecord<byte[], byte[]>> lines = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String line = "{\"level\":30,\"time\":" + (T0 + i) + ",\"msg\":\"request " + i + "\"}";
            lines.add(new ProducerRecord<>(topics.raw(Source.BACKEND), ("api-" + i % 8).getBytes(StandardCharsets.UTF_8),
                    line.getBytes(StandardCharsets.UTF_8)));
        }
        KafkaTestClient kafka = new KafkaTestClient(CLUSTER.bootstrapServers());
        kafka.send(lines);

        awaitCommitted(topics.events(), RECORDS / 5);
        CLUSTER.killTaskManager(taskManagerOf("braid-normalize"));
        long committedAtKill = committed(topics.events());
        CLUSTER.startTaskManager();
        awaitCommitted(topics.events(), RECORDS);
        // Transaction markers take offsets too: read until every record is there, or the time is up.
        List<ConsumerRecord<byte[], byte[]>> events = kafka.awaitCommitted(topics.events(), RECORDS, Duration.ofMinutes(1));

        List<Integer> sequence = new ArrayList<>();
        for (NormalizedEvent event : AvroRecords.decodeAll(events, NormalizedEvent.class)) {
            Matcher number = SEQUENCE.matcher(event.getMessage());
            assertThat(number.matches()).as(event.getMessage()).isTrue();
            sequence.add(Integer.parseInt(number.group(1)));
        }
        Set<Integer> distinct = new HashSet<>(sequence);
        assertThat(sequence).as("nothing published twice").hasSameSizeAs(distinct);
        assertThat(distinct).as("nothing lost").hasSize(RECORDS);
        assertThat(committedAtKill).as("killed mid-stream").isLessThan(RECORDS);
        assertThat(failuresOf("braid-normalize")).as("the failover the kill caused").isNotEmpty();
    }

    /**
     * An upgrade with a changed rule: {@code braid stop} takes a savepoint of each job, and
     * {@code braid deploy --from-savepoint} starts each from it with failing-builds' threshold
     * lowered. Each starts with that state: normalize still knows the ids it saw, so a line
     * shipped again is dropped as the duplicate it is.
     */
    @Test
    @Order(2)
    void anUpgradeThroughSavepointsWithAChangedRuleCarriesTheStateAcross() throws Exception {
        KafkaTestClient kafka = new KafkaTestClient(CLUSTER.bootstrapServers());
        ProducerRecord<byte[], byte[]> line = backendLine("before the upgrade", T0 - 1_000);
        kafka.send(List.of(line));
        kafka.awaitCommitted(topics.events(), RECORDS + 1, PATIENCE);

        CliRun stop = CliRun.of("stop", "--flink", CLUSTER.rest().toString(), "--savepoint-dir", "file://" + BraidCluster.SHARED + "/savepoints");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        Matcher again = Pattern.compile("(--from-savepoint \\w+=\\S+ ?){3}$").matcher(stop.out().strip());
        assertThat(again.find()).as(stop.out()).isTrue();

        Path rules = Files.createDirectories(CLUSTER.shared().resolve("rules"));
        try (var files = Files.list(Path.of("..", "cep-rules"))) {
            for (Path rule : files.filter(file -> file.toString().endsWith(".yaml")).toList()) {
                Files.copy(rule, rules.resolve(rule.getFileName()));
            }
        }
        Path failingBuilds = rules.resolve("failing-builds.yaml");
        Files.writeString(failingBuilds, Files.readString(failingBuilds).replaceFirst("threshold: 3", "threshold: 2"));
        List<String> deploy = new ArrayList<>(deployCommand());
        deploy.addAll(List.of("--set", "braid.detect.rules-dir=" + BraidCluster.SHARED + "/rules"));
        deployed = List.copyOf(deploy);
        deploy.addAll(List.of(again.group().strip().split(" ")));
        CliRun redeploy = CliRun.on(config, deploy);

        assertThat(redeploy.exitCode()).as(redeploy.err()).isZero();
        assertThat(redeploy.out().lines()).hasSize(3).allMatch(job -> job.contains(", from file:" + BraidCluster.SHARED + "/savepoints/"));
        kafka.send(List.of(line, backendLine("after the upgrade", T0 + RECORDS)));
        List<ConsumerRecord<byte[], byte[]>> events = kafka.awaitCommitted(topics.events(), RECORDS + 2, PATIENCE);
        assertThat(AvroRecords.decodeAll(events, NormalizedEvent.class)).extracting(NormalizedEvent::getMessage)
                .filteredOn(message -> message.endsWith("the upgrade"))
                .containsExactlyInAnyOrder("before the upgrade", "after the upgrade");
    }

    /**
     * The counters each TaskManager serves for Prometheus say what the topics hold: since the
     * upgrade started every task anew, normalize made an event of each of the two lines and dropped
     * one as a duplicate, and the events topic gained one.
     */
    @Test
    @Order(3)
    void theTaskManagersMetricsMatchWhatTheTopicsHold() throws Exception {
        assertThat(scraped("flink_taskmanager_job_task_operator_eventsOut")).isEqualTo(2);
        assertThat(scraped("flink_taskmanager_job_task_operator_duplicatesDropped")).isEqualTo(1);
        assertThat(committed(topics.deadLetters())).isZero();
        assertThat(scraped("flink_taskmanager_job_task_operator_deadLetters_UNPARSEABLE")).isZero();
    }

    /**
     * The demo's 42 minutes, ending now, shipped as a user would: each tool's output through
     * {@code braid ingest} (reports with --test-report, lines on standard input), stamped only by
     * the flags, and the API's span written to the Collector's topic as its exporter would. The cluster raises the four alerts the demo promises, pairs the agent's fix, and
     * {@code braid observe} shows the broken checkout across browser and backend.
     */
    @Test
    @Order(4)
    void theDemoScenarioShippedWithBraidIngestRaisesItsAlertsItsFixAndTheCheckoutTrace() throws Exception {
        Instant start = Instant.now().minusMillis(DemoScenario.SPAN_MILLIS).truncatedTo(ChronoUnit.SECONDS);
        KafkaTestClient kafka = new KafkaTestClient(CLUSTER.bootstrapServers());
        for (DemoScenario.Step step : DemoScenario.steps(topics, start)) {
            if (topics.optional().contains(step.record().topic())) {
                kafka.send(List.of(step.record())); // the Collector's Kafka exporter writes these, not braid ingest
                continue;
            }
            CliRun ingest = ingest(step.record());
            assertThat(ingest.exitCode()).as(ingest.err()).isZero();
        }

        long deadline = System.nanoTime() + PATIENCE.toNanos();
        CliRun alerts = observeAlerts();
        while (!alerts.out().contains("regressions/test-regression") || !alerts.out().contains("ci/failing-builds")
                || !alerts.out().contains("ci/spot-churn") || !alerts.out().contains("agent/agent-loop")) {
            assertThat(System.nanoTime()).as("the four alerts within " + PATIENCE + ":\n" + alerts.out()).isLessThan(deadline);
            Thread.sleep(2_000);
            alerts = observeAlerts();
        }
        assertThat(kafka.awaitCommitted(topics.fixes(), 1, PATIENCE)).as("the agent's fix").hasSize(1);
        Alert failingBuilds = AvroRecords.decodeAll(kafka.readCommitted(topics.alerts(AlertFamily.CI)), Alert.class).stream()
                .filter(alert -> alert.getRule().equals("failing-builds") && alert.getRevision() == 1).findFirst().orElseThrow();
        assertThat(failingBuilds.getEvidenceEventIds()).as("opened at the threshold the upgrade set: 2, not 3").hasSize(2);
        CliRun trace = CliRun.on(config, List.of("observe", "trace", DemoScenario.CHECKOUT_TRACE_ID), "--since", "all");
        assertThat(trace.exitCode()).as(trace.err()).isZero();
        assertThat(trace.out()).contains("first error:", "rejected password for order 1182", "shop-api: POST /api/checkout 500")
                .containsPattern("[(,] ?browser \\d+").containsPattern("[(,] ?backend \\d+");
    }

    /**
     * The broker SIGKILLed mid-stream and started again, then the JobManager SIGKILLed: without
     * high availability the new one knows no jobs. The documented way back, {@code braid
     * checkpoints} and {@code braid deploy} with the flags it prints, starts each job from its
     * newest retained checkpoint. Every line shipped through both kills comes out as one event, and
     * no event or alert revision is committed twice.
     */
    @Test
    @Order(5)
    void aJobManagerKilledMidStreamComesBackFromItsRetainedCheckpointsWithNothingLostOrDuplicated() throws Exception {
        KafkaTestClient kafka = new KafkaTestClient(CLUSTER.bootstrapServers());
        int eventsBefore = kafka.readCommitted(topics.events()).size();
        long offsetsBefore = committed(topics.events());
        List<List<ProducerRecord<byte[], byte[]>>> thirds = failoverLines(Instant.now().toEpochMilli());

        kafka.send(thirds.get(0));
        awaitCommitted(topics.events(), offsetsBefore + RECORDS / 6);
        CLUSTER.killAndRestartBroker();
        awaitCommitted(topics.events(), offsetsBefore + RECORDS / 3);
        kafka.send(thirds.get(1));
        CLUSTER.killAndRestartJobManager();
        kafka.send(thirds.get(2)); // while no job runs

        CliRun found = CliRun.of("checkpoints", "--flink", CLUSTER.rest().toString(),
                CLUSTER.shared().resolve("checkpoints").toUri().toString());
        assertThat(found.exitCode()).as(found.err()).isZero();
        Matcher flags = Pattern.compile("(--from-savepoint \\w+=\\S+ ?){3}$").matcher(found.out().strip());
        assertThat(flags.find()).as(found.out()).isTrue();
        // This machine sees the folder the containers share elsewhere than they do.
        String fromRetained = flags.group().strip().replace("file:" + CLUSTER.shared(), "file:" + BraidCluster.SHARED);
        List<String> deploy = new ArrayList<>(deployed);
        deploy.addAll(List.of(fromRetained.split(" ")));
        // The TaskManagers free the slots of the lost JobManager's tasks once its heartbeats stop.
        deploy.addAll(List.of("--timeout", "5m"));
        CliRun redeploy = CliRun.on(config, deploy);

        assertThat(redeploy.exitCode()).as(redeploy.err()).isZero();
        assertThat(redeploy.out().lines()).hasSize(3)
                .allMatch(job -> job.matches(".*, from file:" + BraidCluster.SHARED + "/checkpoints/[0-9a-f]{32}/chk-\\d+"));
        // Everything shipped read and committed, then read back: a duplicate would be there by now.
        ConsumerGroups.awaitConsumed(CLUSTER.bootstrapServers(), NormalizeConfig.from(config).groupId(),
                List.of(topics.raw(Source.BACKEND)), PATIENCE);
        List<ConsumerRecord<byte[], byte[]>> events = kafka.awaitCommitted(topics.events(), eventsBefore + RECORDS, PATIENCE);
        List<Integer> sequence = AvroRecords.decodeAll(events, NormalizedEvent.class).stream().map(NormalizedEvent::getMessage)
                .filter(message -> message.startsWith("failover request "))
                .map(message -> Integer.parseInt(message.substring("failover request ".length()))).toList();
        assertThat(sequence).as("nothing published twice").doesNotHaveDuplicates();
        assertThat(new HashSet<>(sequence)).as("nothing lost").hasSize(RECORDS);
        Set<String> revisions = new HashSet<>();
        for (AlertFamily family : AlertFamily.values()) {
            for (Alert alert : AvroRecords.decodeAll(kafka.readCommitted(topics.alerts(family)), Alert.class)) {
                assertThat(revisions.add(alert.getId() + "#" + alert.getRevision())).as("committed once: " + alert).isTrue();
            }
        }
    }

    /** {@link #RECORDS} sequence-numbered backend lines from {@code t0} on, in three parts to ship around the kills. */
    private static List<List<ProducerRecord<byte[], byte[]>>> failoverLines(long t0) {
        List<List<ProducerRecord<byte[], byte[]>>> thirds = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < RECORDS; i++) {
            String line = "{\"level\":30,\"time\":" + (t0 + i) + ",\"msg\":\"failover request " + i + "\"}";
            thirds.get(i * 3 / RECORDS).add(new ProducerRecord<>(topics.raw(Source.BACKEND), ("api-" + i % 8).getBytes(StandardCharsets.UTF_8),
                    line.getBytes(StandardCharsets.UTF_8)));
        }
        return thirds;
    }

    private static CliRun observeAlerts() {
        return CliRun.on(config, List.of("observe", "alerts"), "--since", "all", "--limit", "1000");
    }

    /** Ships one record of the scenario with the ingest flags its headers and key stand for. */
    private static CliRun ingest(ProducerRecord<byte[], byte[]> record) throws Exception {
        Source source = Arrays.stream(Source.values()).filter(s -> topics.raw(s).equals(record.topic())).findFirst().orElseThrow();
        String key = new String(record.key(), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("ingest", "--no-git-stamps"));
        for (Header header : record.headers()) {
            if (!header.key().startsWith("braid.")) {
                continue; // a webhook's X-GitHub-Event: the payload says what it is, and the parsers read it by shape
            }
            String flag = switch (header.key()) {
                case "braid.repo" -> "--repo";
                case "braid.branch" -> "--branch";
                case "braid.commit" -> "--commit-sha";
                case "braid.run-id" -> "--run-id";
                case "braid.service" -> "--service";
                case "braid.session" -> "--session";
                default -> throw new AssertionError("no ingest flag for header " + header.key());
            };
            args.addAll(List.of(flag, new String(header.value(), StandardCharsets.UTF_8)));
        }
        if (source == Source.TEST) {
            Path report = Files.write(Files.createTempFile("report-", ".json"), record.value());
            args.addAll(List.of("--test-report", report.toString()));
            return CliRun.on(config, args);
        }
        args.addAll(List.of("--source", source.name().toLowerCase()));
        String keyFlag = source == Source.BROWSER ? "--session" : "--service";
        if (!args.contains(keyFlag)) {
            args.addAll(List.of(keyFlag, key)); // what the record's key stood for
        }
        byte[] line = (new String(record.value(), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
        return CliRun.piped(line, () -> CliRun.on(config, args));
    }

    private static List<String> deployCommand() throws Exception {
        return List.of("deploy", "--flink", CLUSTER.rest().toString(), "--parallelism", "1",
                "--jars", JobJars.copyTo(Files.createTempDirectory("braid-jars")).toString(),
                "--set", "braid.checkpoint-dir=file://" + BraidCluster.SHARED + "/checkpoints", "--set", "braid.checkpoint-interval=2 s");
    }

    private static ProducerRecord<byte[], byte[]> backendLine(String message, long time) {
        String line = "{\"level\":30,\"time\":" + time + ",\"msg\":\"" + message + "\"}";
        return new ProducerRecord<>(topics.raw(Source.BACKEND), null, time, "api-upgrade".getBytes(StandardCharsets.UTF_8),
                line.getBytes(StandardCharsets.UTF_8));
    }

    /** The sum of a metric over every series of every running TaskManager. */
    private static double scraped(String metric) throws Exception {
        double sum = 0;
        for (URI endpoint : CLUSTER.taskManagerMetrics()) {
            String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String series : page.lines().filter(series -> series.startsWith(metric + "{")).toList()) {
                sum += Double.parseDouble(series.substring(series.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The resource id of the TaskManager that runs the job's first task. */
    private static String taskManagerOf(String jobName) throws Exception {
        String job = jobId(jobName);
        JsonNode vertex = get("/jobs/" + job).at("/vertices/0");
        return get("/jobs/" + job + "/vertices/" + vertex.path("id").asText()).at("/subtasks/0/taskmanager-id").asText();
    }

    private static String jobId(String jobName) throws Exception {
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            if (job.path("name").asText().equals(jobName) && job.path("state").asText().equals("RUNNING")) {
                return job.path("jid").asText();
            }
        }
        throw new AssertionError("no running job " + jobName);
    }

    private static JsonNode get(String path) throws Exception {
        return JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(CLUSTER.rest().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The failures in a job's exception history, as the REST API reports them. */
    private static List<String> failuresOf(String jobName) throws Exception {
        List<String> failures = new ArrayList<>();
        get("/jobs/" + jobId(jobName) + "/exceptions").at("/exceptionHistory/entries")
                .forEach(entry -> failures.add(entry.path("exceptionName").asText()));
        return failures;
    }

    /** The sum of the topic's last stable offsets. */
    private static long committed(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = Brokers.partitionsOf(consumer, clientProperties(), topic);
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Waits until the topic's last stable offsets add up to {@code count}: cheap to ask every
     * second, and never more than the records committed plus a marker per transaction.
     */
    private static void awaitCommitted(String topic, long count) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = Brokers.partitionsOf(consumer, clientProperties(), topic);
            while (consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(topic + " did not reach " + count + " committed records within " + PATIENCE);
                }
                Thread.sleep(1_000);
            }
        }
    }

    private static Properties clientProperties() {
        Properties client = new Properties();
        client.put("bootstrap.servers", CLUSTER.bootstrapServers());
        return client;
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Brokers.committedReader(clientProperties()));
    }
}
