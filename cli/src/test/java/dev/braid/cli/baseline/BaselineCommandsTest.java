package dev.braid.cli.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cli.BackgroundRun;
import dev.braid.cli.BraidVersion;
import dev.braid.cli.CliRun;
import dev.braid.cli.ingest.Git;
import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.Topics;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline commands against a real {@code braid run}: its Flink REST API takes the savepoints,
 * and {@code braid restore} starts from one without losing or repeating output.
 */
class BaselineCommandsTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aBaselineOfARunIsSavedListedRestoredAndDeleted() throws Exception {
        Configuration config = FreshTopics.on(KAFKA);
        Topics topics = Topics.from(config);
        Path catalogFile = dir.resolve("savepoints/baselines.json");
        String catalog = catalogFile.toString();
        int restPort = BackgroundRun.freePort();
        String flink = "http://localhost:" + restPort;
        List<String> runOptions = List.of("--jobs", "normalize", "--create-topics", "--state-dir", dir.resolve("state").toString(),
                "--set", "braid.checkpoint-interval=500 ms", "--set", "braid.normalize.group-id=baseline-test-" + topics.events());

        BackgroundRun run = BackgroundRun.start(config, command(List.of("run", "--rest-port", String.valueOf(restPort)), runOptions));
        BackgroundRun.awaitTopic(KAFKA.bootstrapServers(), topics.raw(Source.BACKEND));
        BackgroundRun.sendLine(KAFKA.client(), topics, "before the baseline");
        KAFKA.client().awaitCommitted(topics.events(), 1, WAIT);

        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CliRun saved = CliRun.of("baseline", "save", "healthy", "--note", "green", "--flink", flink, "--catalog", catalog);
        assertThat(saved.exitCode()).as(saved.err()).isZero();
        Baseline healthy = Catalog.load(catalogFile).get("healthy");
        String commit = new Git(Path.of("").toAbsolutePath()).query("rev-parse", "HEAD").orElseThrow();
        assertThat(healthy.note()).isEqualTo("green");
        assertThat(healthy.jobName()).isEqualTo("braid [NORMALIZE]");
        assertThat(healthy.jobId()).matches("[0-9a-f]{32}");
        assertThat(healthy.jobVersion()).isEqualTo(BraidVersion.current()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(healthy.commit()).isEqualTo(commit).matches("[0-9a-f]{40}");
        assertThat(healthy.time()).isBetween(before, Instant.now());
        Path savepoint = healthy.localSavepoint().orElseThrow();
        assertThat(savepoint).startsWith(dir.resolve("savepoints/baselines"));
        assertThat(savepoint.resolve("_metadata")).isRegularFile();
        assertThat(saved.out()).contains("Saved baseline healthy", healthy.savepoint(), healthy.jobId(), commit);

        CliRun table = CliRun.of("baseline", "list", "--catalog", catalog);
        assertThat(table.out().lines().toList()).hasSize(2);
        assertThat(table.out()).contains("NAME", "healthy", "braid [NORMALIZE]", healthy.jobVersion(), commit.substring(0, 12),
                "green", healthy.savepoint());
        JsonNode json = new ObjectMapper().readTree(CliRun.of("baseline", "list", "--json", "--catalog", catalog).out());
        assertThat(json.path("version").asInt()).isEqualTo(1);
        assertThat(json.path("baselines").get(0).path("name").asText()).isEqualTo("healthy");
        assertThat(json.path("baselines").get(0).path("savepoint").asText()).isEqualTo(healthy.savepoint());

        CliRun duplicate = CliRun.of("baseline", "save", "healthy", "--flink", flink, "--catalog", catalog);
        assertThat(duplicate.exitCode()).isEqualTo(1);
        assertThat(duplicate.err()).startsWith("braid: baseline healthy exists").contains("--replace").hasLineCount(1);

        CliRun noSuchJob = CliRun.of("baseline", "save", "other", "--job", "nosuch", "--flink", flink, "--catalog", catalog);
        assertThat(noSuchJob.exitCode()).isEqualTo(1);
        assertThat(noSuchJob.err()).isEqualTo("braid: no job nosuch at " + flink + "; running: " + healthy.jobId()
                + " (braid [NORMALIZE])\n");

        Path notADirectory = Files.createFile(dir.resolve("not-a-directory"));
        CliRun failed = CliRun.of("baseline", "save", "other", "--target-dir", notADirectory.toUri().toString(),
                "--flink", flink, "--catalog", catalog);
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).isEqualTo("braid: savepoint of job " + healthy.jobId() + " (braid [NORMALIZE]) failed: "
                + "FileAlreadyExistsException: " + notADirectory + "\n");

        CliRun replaced = CliRun.of("baseline", "save", "healthy", "--replace", "--note", "still green", "--job", "braid [NORMALIZE]",
                "--flink", flink, "--catalog", catalog);
        assertThat(replaced.exitCode()).as(replaced.err()).isZero();
        assertThat(replaced.out()).contains("replaced the old one; deleted its savepoint " + savepoint);
        assertThat(savepoint).doesNotExist();
        CliRun kept = CliRun.of("baseline", "save", "kept", "--flink", flink, "--catalog", catalog);
        assertThat(kept.exitCode()).as(kept.err()).isZero();
        assertThat(run.stop().exitCode()).isZero();

        Catalog catalogNow = Catalog.load(catalogFile);
        assertThat(catalogNow.baselines()).extracting(Baseline::name).containsExactly("healthy", "kept");
        Baseline stillHealthy = catalogNow.get("healthy");
        assertThat(stillHealthy.note()).isEqualTo("still green");

        // Another port: the stopped run's local Flink shuts down, freeing its port, a moment after its job ended.
        int restoredPort = BackgroundRun.freePort();
        BackgroundRun restore = BackgroundRun.start(config, command(List.of("restore", "healthy", "--catalog", catalog,
                "--rest-port", String.valueOf(restoredPort)), runOptions));
        BackgroundRun.awaitRunningJob(restoredPort); // past its check that nothing arrived since the baseline
        BackgroundRun.sendLine(KAFKA.client(), topics, "after the restore");
        KAFKA.client().awaitCommitted(topics.events(), 2, WAIT);
        Thread.sleep(2_000); // room for a repeat of the first line to show up, were it replayed
        CliRun restored = restore.stop();
        assertThat(restored.exitCode()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("restored from baseline healthy (" + stillHealthy.savepoint() + ")",
                "Flink REST API at http://localhost:" + restoredPort);
        assertThat(AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.events()), NormalizedEvent.class))
                .extracting(NormalizedEvent::getMessage).containsExactlyInAnyOrder("before the baseline", "after the restore");

        // "after the restore" was shipped after "kept" was saved: restoring it would publish that line again.
        CliRun refused = CliRun.on(config, command(List.of("restore", "kept", "--catalog", catalog, "--rest-port", "0"), runOptions));
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("braid: restoring baseline kept would publish again what arrived since")
                .contains("(1 on " + topics.raw(Source.BACKEND) + ")", "--republish", "analyze regression --baseline kept")
                .hasLineCount(1);
        assertThat(AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.events()), NormalizedEvent.class))
                .as("nothing published twice").hasSize(2);

        Path keptSavepoint = catalogNow.get("kept").localSavepoint().orElseThrow();
        CliRun keepFiles = CliRun.of("baseline", "delete", "kept", "--keep-files", "--catalog", catalog);
        assertThat(keepFiles.out()).startsWith("Deleted baseline kept; kept its savepoint");
        assertThat(keptSavepoint.resolve("_metadata")).isRegularFile();
        CliRun deleted = CliRun.of("baseline", "delete", "healthy", "--catalog", catalog);
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        Path restoredSavepoint = stillHealthy.localSavepoint().orElseThrow();
        assertThat(deleted.out()).isEqualTo("Deleted baseline healthy; deleted its savepoint " + restoredSavepoint + ".\n");
        assertThat(restoredSavepoint).doesNotExist();
        assertThat(Catalog.load(catalogFile).baselines()).isEmpty();
    }

    private static List<String> command(List<String> command, List<String> options) {
        List<String> args = new ArrayList<>(command);
        args.addAll(options);
        return args;
    }
}
