package dev.braid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.Topics;
import dev.braid.schema.Source;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.Fixtures;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * What a developer does without writing code: {@code braid ingest} real tool output, the normalize
 * job runs, {@code braid observe} reads it back with the right counts, levels and trace ids.
 */
class RoundTripTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    Path dir;

    @Test
    void testReportsOfJestGoTestAndJUnitComeBackOneEventPerTestWithTheirStatus() throws Exception {
        Configuration config = freshTopics();
        ingestReport(config, "fixtures/test/jest-report.json", "jest.json");
        ingestReport(config, "fixtures/test/go-test.jsonl", "go-test.jsonl");
        ingestReport(config, "fixtures/test/pytest-junit.xml", "pytest.xml");
        BoundedJobs.normalize(config);

        List<JsonNode> events = observeAll(config, "--source", "test");
        Map<String, Integer> perRun = count(events, event -> event.path("keys").path("repo").asText() + " " + event.get("kind").asText());
        assertThat(perRun).containsEntry("acme/shop test.result", 12 + 13 + 12);
        assertThat(count(events, event -> event.get("level").asText())).containsEntry("ERROR", 2 + 3 + 3);
        assertThat(events).allSatisfy(event -> {
            assertThat(event.path("keys").path("branch").asText()).isEqualTo("main");
            assertThat(event.path("keys").path("commit").asText()).isEqualTo("9c1e5f0d2b7a4e6c8d3f1a0b5e7c9d2f4a6b8c0e");
        });
        List<JsonNode> failures = observeAll(config, "--source", "test", "--level", "error");
        assertThat(failures).hasSize(8);
    }

    @Test
    void aRotatingLogFollowedWithTailComesBackLineForLineWithLevelsAndTraceIds() throws Exception {
        Configuration config = freshTopics();
        Topics topics = Topics.from(config);
        List<String> lines = Fixtures.lines("fixtures/backend/pino.log");
        Path log = dir.resolve("shop-api.log");
        Files.write(log, lines.subList(0, 5));

        List<String> tail = new ArrayList<>(List.of("ingest", "--tail", log.toString(), "--state-dir", dir.resolve("state").toString()));
        tail.addAll(CliRun.kafkaFlags(config));
        Thread follower = new Thread(() -> CliRun.of(tail.toArray(String[]::new)), "tail -F");
        follower.start();
        KAFKA.client().awaitCommitted(topics.raw(Source.BACKEND), 5, Duration.ofSeconds(30));
        Files.write(log, lines.subList(5, 7), StandardOpenOption.APPEND);
        Files.move(log, dir.resolve("shop-api.log.1"));
        Files.write(log, lines.subList(7, 10));
        KAFKA.client().awaitCommitted(topics.raw(Source.BACKEND), 10, Duration.ofSeconds(30));
        follower.interrupt();
        follower.join();
        BoundedJobs.normalize(config);

        List<JsonNode> events = observeAll(config, "--source", "backend");
        // pino writes several lines in one millisecond, which the job's parallel operators may reorder.
        assertThat(events).extracting(event -> event.get("message").asText()).containsExactlyInAnyOrder(
                "service starting", "listening on port 8080", "queue nearly full", "startup failed",
                "Cannot read properties of undefined (reading 'id')", "user loaded", "payment provider slow",
                "fatal: out of file descriptors", "request completed", "request errored");
        assertThat(count(events, event -> event.get("level").asText()))
                .containsEntry("WARN", 2).containsEntry("FATAL", 1);
        assertThat(events).filteredOn(event -> TRACE.equals(event.path("traceId").asText())).hasSize(3);
        assertThat(events).allSatisfy(event -> assertThat(event.path("keys").path("service").asText()).isEqualTo("shop-api"));

        CliRun trace = CliRun.on(config, List.of("observe", "timeline"), "--since", "all", "--trace", TRACE);
        assertThat(trace.out()).contains("user loaded", "request completed", "request errored").contains("-- 3 events shown; no more.");
    }

    private Configuration freshTopics() {
        Configuration config = BoundedJobs.configure(FreshTopics.on(KAFKA));
        KAFKA.createTopics(Topics.from(config).all());
        return config;
    }

    private void ingestReport(Configuration config, String fixture, String fileName) throws Exception {
        Path report = dir.resolve(fileName);
        Files.write(report, Fixtures.bytes(fixture));
        CliRun ingest = CliRun.on(config, List.of("ingest", "--test-report", report.toString()),
                "--repo", "acme/shop", "--branch", "main", "--commit-sha", "9c1e5f0d2b7a4e6c8d3f1a0b5e7c9d2f4a6b8c0e");
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();
    }

    /** Every page of a timeline query, with a small limit so that paging is part of the round trip. */
    private static List<JsonNode> observeAll(Configuration config, String... filters) throws Exception {
        List<String> flags = new ArrayList<>(List.of("--limit", "7"));
        flags.addAll(List.of(filters));
        return CliRun.timeline(config, flags.toArray(String[]::new));
    }

    private static Map<String, Integer> count(List<JsonNode> events, java.util.function.Function<JsonNode, String> key) {
        Map<String, Integer> counts = new TreeMap<>();
        events.forEach(event -> counts.merge(key.apply(event), 1, Integer::sum));
        return counts;
    }
}
