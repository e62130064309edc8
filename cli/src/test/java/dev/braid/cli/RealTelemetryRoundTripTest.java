package dev.braid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cli.ingest.TestRepos;
import dev.braid.connectors.Topics;
import dev.braid.schema.Source;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.Fixtures;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A new user's first hour, on real tool output through the real interface: a Docker json-file log
 * of a container that mixes formats and writes lines longer than Docker's 16 KiB cut, a real
 * repository's history shipped as a range and then by the installed hooks (run by a real
 * {@code braid} process) through quick commits, branch switches and a merge, Surefire and pytest
 * reports as one run, and Chromium's CDP events with a failed fetch. All of it goes through
 * {@code braid ingest}, the normalize job and {@code braid observe}, and comes back as the tools
 * wrote it.
 */
class RealTelemetryRoundTripTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    @TempDir
    static Path dir;

    private static Configuration config;
    private static Map<String, String> commitsMade;
    private static List<JsonNode> events;

    @BeforeAll
    static void shipEverythingThenNormalize() throws Exception {
        config = BoundedJobs.configure(FreshTopics.on(KAFKA));
        KAFKA.createTopics(Topics.from(config).all());
        commitsMade = shipGitHistoryThenCommitUnderTheHooks();
        shipTestReportsAsOneRun();
        shipBrowserSession();
        shipDockerLog();
        BoundedJobs.normalize(config);
        events = CliRun.timeline(config);
    }

    @AfterAll
    static void forgetBraidHome() {
        System.clearProperty("braid.home");
    }

    @Test
    void everyCommitIsShippedOnceWithItsBranchThroughTheRangeAndTheHooks() {
        List<JsonNode> commits = events.stream().filter(event -> event.get("kind").asText().equals("git.commit")).toList();

        Map<String, String> shipped = new LinkedHashMap<>();
        commits.forEach(event -> assertThat(shipped.put(event.at("/keys/commit").asText(), event.at("/keys/branch").asText()))
                .as("shipped twice").isNull());
        assertThat(shipped).isEqualTo(commitsMade);
        assertThat(commits).allSatisfy(event -> assertThat(event.at("/keys/repo").asText()).isEqualTo("shop"));
    }

    @Test
    void reportFilesOfOneRunAreOneRunOfEveryTestTheyHold() {
        List<JsonNode> results = events.stream().filter(event -> event.get("kind").asText().equals("test.result")).toList();

        assertThat(results).extracting(event -> event.at("/payload/runId").asText()).containsOnly("build-77");
        // surefire-report.xml and surefire-outcomes.xml of the fixtures, and pytest-junit.xml
        assertThat(results.stream().map(event -> event.at("/payload/framework").asText())
                .collect(Collectors.groupingBy(framework -> framework, Collectors.counting())))
                .containsOnlyKeys("surefire", "pytest");
    }

    @Test
    void aFailedFetchHasTheTimeAndUrlOfItsRequestAndTheSessionGivenAtIngest() {
        List<JsonNode> browser = events.stream().filter(event -> event.get("source").asText().equals("BROWSER")).toList();
        JsonNode failure = browser.stream().filter(event -> event.get("kind").asText().equals("network.failure"))
                .findFirst().orElseThrow();

        assertThat(failure.at("/payload/url").asText()).isEqualTo("http://127.0.0.1:8799/api/unreachable");
        assertThat(failure.at("/payload/method").asText()).isEqualTo("GET");
        assertThat(failure.at("/payload/durationMs").asDouble()).isBetween(44.0, 45.0);
        // what Chromium's own Log.entryAdded of the failure says, 1.795280334336049e12 ms
        assertThat(Instant.parse(failure.get("eventTime").asText())).isEqualTo(Instant.ofEpochMilli(1_795_280_334_336L));
        assertThat(browser).hasSizeGreaterThan(40)
                .allSatisfy(event -> assertThat(event.at("/keys/session").asText()).isEqualTo("tab-1"));
    }

    /**
     * Each line the container wrote is one event of its own format, level, time, trace and stack,
     * as {@code docker-mixed.expected.tsv} lists them: Docker's cut entries rejoined, stacks joined
     * to their record, the empty line counted rather than published.
     */
    @Test
    void everyLineOfAMixedDockerLogLandsAsItsOwnFormatWithItsOwnTime() {
        List<List<String>> expected = Fixtures.lines("fixtures/backend/docker-mixed.expected.tsv").stream().skip(1)
                .map(line -> List.of(line.split("\t", -1)))
                .filter(row -> !row.get(0).equals("blank"))
                .map(row -> List.of(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get(5)))
                .toList();
        List<List<String>> landed = events.stream()
                .filter(event -> event.at("/keys/service").asText().equals("mixed-app"))
                .map(event -> List.of(event.at("/payload/format").asText(), event.get("level").asText(),
                        MILLIS.format(Instant.parse(event.get("eventTime").asText())),
                        event.path("traceId").asText(""), firstLine(event.at("/payload/stackTrace").asText("")),
                        prefix(event.get("message").asText())))
                .toList();

        assertThat(landed).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theTimelineIsInTimeOrderAcrossSources() {
        List<Instant> times = events.stream().map(event -> Instant.parse(event.get("eventTime").asText())).toList();

        assertThat(times).isSorted();
    }

    /**
     * Two commits before the hooks are installed, shipped as the range of main's history; then the
     * hooks ship what follows, each run by a real braid process that starts a second or more later.
     */
    private static Map<String, String> shipGitHistoryThenCommitUnderTheHooks() throws Exception {
        Path repo = TestRepos.init(dir.resolve("shop"));
        Map<String, String> made = new LinkedHashMap<>();
        made.put(TestRepos.commit(repo, "scaffold", "README.md", "# shop\n"), "main");
        made.put(TestRepos.commit(repo, "orders endpoint", "src/orders.py", "def place(): pass\n"), "main");
        CliRun range = CliRun.on(config, List.of("ingest", "--commits", "main", "--repo-dir", repo.toString()));
        assertThat(range.exitCode()).as(range.err()).isZero();

        System.setProperty("braid.home", realBraidScript().getParent().toString());
        CliRun hooks = CliRun.on(config, List.of("ingest", "--git-hook", "--repo-dir", repo.toString()));
        assertThat(hooks.exitCode()).as(hooks.err()).isZero();
        made.putAll(TestRepos.quickCommitsSwitchesAndAMerge(repo));

        KAFKA.client().awaitCommitted(Topics.from(config).raw(Source.GIT), made.size(), Duration.ofSeconds(120));
        return made;
    }

    /** A {@code braid} script that runs this CLI in a JVM of its own, as the hooks run the real one. */
    private static Path realBraidScript() throws Exception {
        Path home = Files.createDirectories(dir.resolve("braid-home"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path script = Files.writeString(home.resolve("braid"), "#!/bin/sh\n"
                + "exec '" + java + "' -Xmx256m -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path") + "' " + Braid.class.getName()
                + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static void shipTestReportsAsOneRun() throws Exception {
        Path reports = Files.createDirectories(dir.resolve("target/surefire-reports"));
        Files.write(reports.resolve("TEST-dev.braid.OrderTest.xml"), Fixtures.bytes("fixtures/test/surefire-report.xml"));
        Files.write(reports.resolve("TEST-dev.braid.OutcomeTest.xml"), Fixtures.bytes("fixtures/test/surefire-outcomes.xml"));
        Path pytest = Files.write(dir.resolve("pytest.xml"), Fixtures.bytes("fixtures/test/pytest-junit.xml"));
        CliRun run = CliRun.on(config, List.of("ingest", "--test-report", reports.toString(), pytest.toString()),
                "--run-id", "build-77");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("braid: test run build-77: 3 reports");
    }

    private static void shipBrowserSession() {
        CliRun run = CliRun.piped(Fixtures.bytes("fixtures/browser/cdp-events.jsonl"),
                () -> CliRun.on(config, List.of("ingest", "--source", "browser", "--session", "tab-1")));
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    /** The container's json-file log, tailed once as a user would point the ingest at it. */
    private static void shipDockerLog() throws Exception {
        Path log = Files.write(dir.resolve("mixed-app-json.log"), Fixtures.bytes("fixtures/backend/docker-mixed.log"));
        CliRun run = CliRun.on(config, List.of("ingest", "--tail", log.toString(), "--once", "--service", "mixed-app"));
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }

    private static String prefix(String message) {
        return message.length() > 40 ? message.substring(0, 40) : message;
    }
}
