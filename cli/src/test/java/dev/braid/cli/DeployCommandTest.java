package dev.braid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.Topics;
import dev.braid.schema.Source;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code braid deploy} against a session cluster's REST API: the three job jars this build made
 * are uploaded and run with their options, normalize then turns what is shipped into events, and
 * a job stopped with {@code braid stop} and deployed again from its savepoint starts with that state,
 * and {@code braid checkpoints} finds the newest checkpoint each job retained and starts them from there.
 */
class DeployCommandTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(3)
            .setConfiguration(sessionCluster())
            .build());

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;

    @Test
    void theThreeJobJarsRunOnTheClusterWithTheirOptions(@InjectClusterClient RestClusterClient<?> cluster) throws Exception {
        Configuration config = BoundedJobs.configure(FreshTopics.on(KAFKA));
        Topics topics = Topics.from(config);
        KAFKA.createTopics(topics.all());
        List<String> deploy = new ArrayList<>(List.of("deploy", "--flink", cluster.getWebInterfaceURL(), "--parallelism", "1",
                "--jars", JobJars.copyTo(dir.resolve("jars")).toString(),
                "--set", "braid.checkpoint-dir=" + dir.resolve("checkpoints").toUri()));
        config.toMap().forEach((key, value) -> {
            if (!key.startsWith("braid.kafka.") && !key.startsWith("braid.topics.")) {
                deploy.addAll(List.of("--set", key + "=" + value));
            }
        });

        CliRun run = CliRun.on(config, deploy);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(3).allMatch(line -> line.matches("braid: \\w+ is running on .* as job [0-9a-f]{32}"));
        KAFKA.client().send(List.of(new ProducerRecord<>(topics.raw(Source.BACKEND), "api".getBytes(StandardCharsets.UTF_8),
                "{\"level\":50,\"time\":1795255200000,\"msg\":\"card declined\"}".getBytes(StandardCharsets.UTF_8))));
        assertThat(KAFKA.client().awaitCommitted(topics.events(), 1, Duration.ofSeconds(60))).as("normalized on the cluster").hasSize(1);

        CliRun stop = CliRun.of("stop", "--flink", cluster.getWebInterfaceURL(), "--jobs", "normalize",
                "--savepoint-dir", dir.resolve("savepoints").toUri().toString());
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        String savepoint = stop.out().replaceAll("(?s).*stopped with savepoint (\\S+)\n.*", "$1");
        assertThat(stop.out()).contains("--from-savepoint normalize=" + savepoint);
        assertThat(cluster.listJobs().get()).filteredOn(job -> job.getJobName().equals("braid-normalize"))
                .allSatisfy(job -> assertThat(job.getJobState()).isEqualTo(JobStatus.FINISHED));
        List<String> again = new ArrayList<>(deploy);
        again.addAll(List.of("--jobs", "normalize", "--from-savepoint", "normalize=" + savepoint));
        CliRun resumed = CliRun.on(config, again);

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).endsWith(", from " + savepoint + "\n");
        String jobId = resumed.out().replaceAll("(?s).* as job ([0-9a-f]{32}).*", "$1");
        assertThat(cluster.getJobStatus(JobID.fromHexString(jobId)).get()).isEqualTo(JobStatus.RUNNING);
        assertThat(restoredFrom(cluster, jobId)).as("the state it started with").isEqualTo(savepoint);
        awaitCheckpointOfEveryRunningJob(cluster);
        cancelAll(cluster);

        CliRun found = CliRun.of("checkpoints", "--flink", cluster.getWebInterfaceURL(), dir.resolve("checkpoints").toUri().toString());

        assertThat(found.exitCode()).as(found.err()).isZero();
        Matcher flags = Pattern.compile("(--from-savepoint \\w+=\\S+ ?){3}$").matcher(found.out().strip());
        assertThat(flags.find()).as(found.out()).isTrue();
        assertThat(found.out()).as("normalize's newest is the resumed job's, not the first one's")
                .containsPattern("--from-savepoint normalize=\\S+/" + jobId + "/chk-\\d+");
        List<String> fromRetained = new ArrayList<>(deploy);
        fromRetained.addAll(List.of(flags.group().strip().split(" ")));
        CliRun restored = CliRun.on(config, fromRetained);
        assertThat(restored.exitCode()).as(restored.err()).isZero();
        assertThat(restored.out().lines()).hasSize(3);
        for (String job : restored.out().lines().toList()) {
            String checkpoint = job.replaceAll(".*, from (\\S+)$", "$1");
            assertThat(restoredFrom(cluster, job.replaceAll(".* as job ([0-9a-f]{32}).*", "$1"))).as(job).isEqualTo(checkpoint);
        }
        cancelAll(cluster);
    }

    /** Waits until every running job completed a checkpoint, so that each retains one when cancelled. */
    private static void awaitCheckpointOfEveryRunningJob(RestClusterClient<?> cluster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (JobStatusMessage job : cluster.listJobs().get()) {
            while (!job.getJobState().isGloballyTerminalState() && completedCheckpoints(cluster, job.getJobId().toHexString()) == 0) {
                assertThat(System.nanoTime()).as("a checkpoint of " + job.getJobName()).isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private static long completedCheckpoints(RestClusterClient<?> cluster, String jobId) throws Exception {
        return checkpointStats(cluster, jobId).at("/counts/completed").asLong();
    }

    /** The savepoint or checkpoint the job's state came from, as its checkpoint statistics say. */
    private static String restoredFrom(RestClusterClient<?> cluster, String jobId) throws Exception {
        return checkpointStats(cluster, jobId).at("/latest/restored/external_path").asText();
    }

    private static JsonNode checkpointStats(RestClusterClient<?> cluster, String jobId) throws Exception {
        HttpResponse<String> stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(cluster.getWebInterfaceURL() + "/jobs/" + jobId + "/checkpoints")).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(stats.body());
    }

    private static void cancelAll(RestClusterClient<?> cluster) throws Exception {
        for (JobStatusMessage job : cluster.listJobs().get()) {
            if (!job.getJobState().isGloballyTerminalState()) {
                cluster.cancel(job.getJobId()).get();
            }
        }
    }

    @Test
    void aMissingJarAndAForeignOptionFailBeforeAnythingIsSubmitted() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-jars"));

        CliRun missing = CliRun.of("deploy", "--flink", "http://127.0.0.1:9", "--jars", empty.toString(), "--jobs", "detect");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("braid: no braid-detect-*-job.jar in " + empty).hasLineCount(1);

        CliRun foreign = CliRun.of("deploy", "--flink", "http://127.0.0.1:9", "--set", "braid.nomalize.group-id=x");
        assertThat(foreign.exitCode()).isEqualTo(1);
        assertThat(foreign.err()).startsWith("braid: unknown option(s) [braid.nomalize.group-id]").hasLineCount(1);
    }

    private static Configuration sessionCluster() {
        Configuration config = new Configuration();
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        // The job jars carry Braid's and the connector's classes, which this JVM has as well: load
        // them once, from here, so that a record's class is the one its serializer knows.
        config.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        return config;
    }
}
