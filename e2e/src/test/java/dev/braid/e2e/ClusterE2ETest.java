package dev.braid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cli.CliRun;
import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Topics;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.KafkaTestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

    @BeforeAll
    static void deployTheJobs() throws Exception {
        config = new Configuration();
        config.set(KafkaSettings.BOOTSTRAP_SERVERS, CLUSTER.bootstrapServers());
        topics = Topics.from(config);
        CLUSTER.createTopics(topics.all());

        CliRun deploy = CliRun.on(config, deployCommand());

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
        CLUSTER.killTaskManager();
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

    private static List<String> deployCommand() throws Exception {
        return List.of("deploy", "--flink", CLUSTER.rest().toString(), "--parallelism", "1", "--jars", jobJars().toString(),
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

    /** The failures in a job's exception history, as the REST API reports them. */
    private static List<String> failuresOf(String jobName) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        JsonNode jobs = JSON.readTree(http.send(HttpRequest.newBuilder(CLUSTER.rest().resolve("/jobs/overview")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        List<String> failures = new ArrayList<>();
        for (JsonNode job : jobs.path("jobs")) {
            if (job.path("name").asText().equals(jobName)) {
                JsonNode history = JSON.readTree(http.send(HttpRequest.newBuilder(CLUSTER.rest().resolve("/jobs/" + job.path("jid").asText()
                        + "/exceptions")).build(), HttpResponse.BodyHandlers.ofString()).body());
                history.at("/exceptionHistory/entries").forEach(entry -> failures.add(entry.path("exceptionName").asText()));
            }
        }
        return failures;
    }

    /** The sum of the topic's last stable offsets. */
    private static long committed(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.endOffsets(partitions(consumer, topic)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Waits until the topic's last stable offsets add up to {@code count}: cheap to ask every
     * second, and never more than the records committed plus a marker per transaction.
     */
    private static void awaitCommitted(String topic, long count) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            while (consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(topic + " did not reach " + count + " committed records within " + PATIENCE);
                }
                Thread.sleep(1_000);
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", CLUSTER.bootstrapServers(), "isolation.level", "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
    }

    /** The job jars this build made, in one folder as a user would download them. */
    private static Path jobJars() throws Exception {
        Path jars = Files.createTempDirectory("braid-jars");
        for (String job : List.of("normalize", "correlate", "detect")) {
            Path target = Path.of("..", "jobs", job, "target");
            try (var files = Files.list(target)) {
                Path jar = files.filter(file -> file.getFileName().toString().endsWith("-job.jar")).findFirst()
                        .orElseThrow(() -> new AssertionError("no job jar in " + target + ": run mvn package first"));
                Files.copy(jar, jars.resolve(jar.getFileName()));
            }
        }
        return jars;
    }
}
