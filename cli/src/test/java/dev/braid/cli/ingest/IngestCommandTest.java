package dev.braid.cli.ingest;

import dev.braid.cli.CliRun;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Parsers;
import dev.braid.normalize.parse.SourceParser;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.Fixtures;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IngestCommandTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final SourceParser BACKEND = Parsers.bySource().get(Source.BACKEND);

    @TempDir
    Path dir;

    @Test
    void execShipsEveryOutputLineThenHowTheCommandEndedAndExitsWithItsCode() throws Exception {
        String topic = TestTopics.create(KAFKA, "raw.backend");

        CliRun run = CliRun.of("ingest", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "raw.backend=" + topic, "--exec", "--", "sh", "-c", "echo out; echo err >&2; exit 3");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEqualTo("out\n");
        assertThat(run.err()).startsWith("err\nbraid: shipped 3 records to " + topic + "\n").contains("\nbraid: stamped with ");
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.client().readUncommitted(topic);
        assertThat(records).hasSize(3);
        assertThat(records.subList(0, 2))
                .extracting(record -> CliRun.header(record, BraidHeaders.STREAM) + ": " + CliRun.value(record))
                .containsExactlyInAnyOrder("stdout: out", "stderr: err");
        ConsumerRecord<byte[], byte[]> exit = records.get(2);
        assertThat(CliRun.value(exit)).isEqualTo("ERROR braid: 'sh -c echo out; echo err >&2; exit 3' exited with code 3");
        assertThat(CliRun.header(exit, BraidHeaders.STREAM)).isNull();
        assertThat(records).allSatisfy(record -> {
            assertThat(CliRun.key(record)).isEqualTo("sh");
            assertThat(CliRun.header(record, "braid.service")).isEqualTo("sh");
        });
        assertThat(levelOf(CliRun.value(exit))).isEqualTo(Level.ERROR);
    }

    @Test
    void theExitLineOfASuccessfulCommandIsInfoWhateverTheCommandSays() throws Exception {
        String line = ProcessTee.exitLine(List.of("grep", "-c", "ERROR", "app.log"), 0);

        assertThat(line).isEqualTo("INFO braid: 'grep -c ERROR app.log' exited with code 0");
        assertThat(levelOf(line)).isEqualTo(Level.INFO);
        assertThat(levelOf(ProcessTee.exitLine(List.of("npm", "test"), 1))).isEqualTo(Level.ERROR);
    }

    @Test
    void aCommandThatCannotStartIsAUserError() {
        String topic = TestTopics.create(KAFKA, "raw.backend");

        CliRun run = CliRun.of("ingest", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "raw.backend=" + topic, "--exec", "--", dir.resolve("no-such-command").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("braid: --exec: Cannot run program").hasLineCount(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "fixtures/test/jest-report.json", "fixtures/test/go-test.jsonl", "fixtures/test/pytest-junit.xml"})
    void aTestReportIsOneRecordOfItsRun(String fixture) throws Exception {
        String topic = TestTopics.create(KAFKA, "raw.test");
        byte[] report = Fixtures.bytes(fixture);
        Path file = Files.write(dir.resolve(Path.of(fixture).getFileName()), report);

        CliRun run = CliRun.of("ingest", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "raw.test=" + topic, "--test-report", file.toString(), "--run-id", "run-42",
                "--service", "checkout", "--tenant", "acme");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).startsWith("braid: test run run-42: 1 report\nbraid: shipped 1 record to " + topic + "\n"
                + "braid: stamped with tenant=acme (--tenant), service=checkout (--service)");
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.client().readUncommitted(topic);
        assertThat(records).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = records.get(0);
        assertThat(record.value()).isEqualTo(report);
        assertThat(CliRun.key(record)).isEqualTo("run-42");
        assertThat(CliRun.header(record, BraidHeaders.RUN_ID)).isEqualTo("run-42");
        assertThat(CliRun.header(record, BraidHeaders.ID))
                .isEqualTo(Sha256.hex(report, "run-42".getBytes(StandardCharsets.UTF_8)));
        assertThat(CliRun.header(record, BraidHeaders.FORMAT)).isNull();
        assertThat(CliRun.header(record, "braid.service")).isEqualTo("checkout");
        assertThat(CliRun.header(record, "braid.tenant")).isEqualTo("acme");
    }

    @Test
    void theSameReportOfTheSameRunKeepsItsIdAndFormatNamesTheParser() throws Exception {
        String topic = TestTopics.create(KAFKA, "raw.test");
        Path file = Files.write(dir.resolve("report.json"), Fixtures.bytes("fixtures/test/jest-report.json"));
        String[] args = {"ingest", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "raw.test=" + topic,
            "--test-report", file.toString(), "--run-id", "7", "--format", "jest"};

        assertThat(CliRun.of(args).exitCode()).isZero();
        assertThat(CliRun.of(args).exitCode()).isZero();

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.client().readUncommitted(topic);
        assertThat(records).extracting(record -> CliRun.header(record, BraidHeaders.ID)).hasSize(2).containsOnly(
                CliRun.header(records.get(0), BraidHeaders.ID));
        assertThat(records).extracting(record -> CliRun.header(record, BraidHeaders.FORMAT)).containsOnly("jest");
    }

    @Test
    void severalReportsADirectoryOrAGlobAreOneRun() throws Exception {
        Path surefire = Files.createDirectories(dir.resolve("target/surefire-reports"));
        Files.write(surefire.resolve("TEST-dev.braid.OrderTest.xml"), Fixtures.bytes("fixtures/test/surefire-report.xml"));
        Files.write(surefire.resolve("TEST-dev.braid.OutcomeTest.xml"), Fixtures.bytes("fixtures/test/surefire-outcomes.xml"));
        Files.writeString(surefire.resolve("dev.braid.OrderTest.txt"), "Tests run: 3, Failures: 1\n");
        Files.writeString(surefire.resolve("settings.json"), "{\"retries\": 2}");
        Path jest = Files.write(dir.resolve("jest.json"), Fixtures.bytes("fixtures/test/jest-report.json"));
        Path go = Files.write(dir.resolve("go-test.jsonl"), Fixtures.bytes("fixtures/test/go-test.jsonl"));

        String topic = TestTopics.create(KAFKA, "raw.test");
        CliRun fromDirectory = testReports(topic, "run-dir", surefire.toString());
        CliRun severalFiles = testReports(topic, "run-files", jest.toString(), go.toString());
        CliRun fromGlob = testReports(topic, "run-glob", dir + "/**/TEST-*.xml");

        assertThat(fromDirectory.exitCode()).as(fromDirectory.err()).isZero();
        assertThat(fromDirectory.err()).startsWith("braid: skipped " + surefire.resolve("settings.json")
                + ": not a test report (").contains("braid: test run run-dir: 2 reports\n");
        assertThat(severalFiles.err()).contains("braid: test run run-files: 2 reports\n");
        assertThat(fromGlob.err()).contains("braid: test run run-glob: 2 reports\n");
        Map<String, List<String>> runs = KAFKA.client().readUncommitted(topic).stream().collect(
                java.util.stream.Collectors.groupingBy(CliRun::key,
                        java.util.stream.Collectors.mapping(record -> CliRun.header(record, BraidHeaders.RUN_ID),
                                java.util.stream.Collectors.toList())));
        assertThat(runs).containsOnly(Map.entry("run-dir", List.of("run-dir", "run-dir")),
                Map.entry("run-files", List.of("run-files", "run-files")),
                Map.entry("run-glob", List.of("run-glob", "run-glob")));
    }

    @Test
    void aFileThatIsNoTestReportFailsTheIngestInOneLineAndShipsNothing() throws Exception {
        String topic = TestTopics.create(KAFKA, "raw.test");
        Path jest = Files.write(dir.resolve("jest.json"), Fixtures.bytes("fixtures/test/jest-report.json"));
        Path config = Files.writeString(dir.resolve("package.json"), "{\"name\": \"shop\", \"version\": \"1.0.0\"}");

        CliRun run = testReports(topic, "run-1", jest.toString(), config.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("braid: " + config + " is not a test report Braid reads: ").hasLineCount(1);
        assertThat(KAFKA.client().readUncommitted(topic)).as("a run is shipped whole or not at all").isEmpty();
        assertThat(testReports(topic, "run-2", dir.resolve("nothing-here-*.xml").toString()).err())
                .startsWith("braid: no file matches ").hasLineCount(1);
    }

    @Test
    void aMissingEmptyOrOversizedReportIsAUserError() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.xml"));
        Path oversized = Files.write(dir.resolve("huge.json"), new byte[TestReport.MAX_BYTES + 1]);

        assertThat(testReport(dir.resolve("missing.xml")).err())
                .isEqualTo("braid: no test report at " + dir.resolve("missing.xml") + "\n");
        assertThat(testReport(empty).err()).startsWith("braid: the test report " + empty + " is empty").hasLineCount(1);
        assertThat(testReport(oversized).err()).startsWith("braid: the test report " + oversized + " is larger than 1 MiB")
                .hasLineCount(1);
    }

    @Test
    void standardInputIsOneRecordPerLineOnTheChosenSource() throws Exception {
        String topic = TestTopics.create(KAFKA, "raw.agent");
        CliRun run = CliRun.piped("{\"n\":1}\r\n\n{\"n\":2}\n{\"n\":3}".getBytes(StandardCharsets.UTF_8), () -> CliRun.of("ingest",
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "raw.agent=" + topic, "--source", "Agent", "--service", "claude"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.client().readUncommitted(topic);
        assertThat(records).as("a blank line too: the normalize job counts it")
                .extracting(CliRun::value).containsExactly("{\"n\":1}", "", "{\"n\":2}", "{\"n\":3}");
        assertThat(records).extracting(CliRun::key).containsOnly("claude");
    }

    @Test
    void tailOnceShipsTheCompleteLinesAndTheNextRunOnlyWhatCameAfter() throws Exception {
        String topic = TestTopics.create(KAFKA, "raw.backend");
        Path log = Files.writeString(dir.resolve("checkout-api.log"), "started\nlistening on :8080\nhalf a li");
        String[] args = {"ingest", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "raw.backend=" + topic,
            "--tail", log.toString(), "--once", "--state-dir", dir.resolve("state").toString()};

        CliRun first = CliRun.of(args);
        Files.writeString(log, "ne\n", StandardOpenOption.APPEND);
        CliRun second = CliRun.of(args);
        CliRun third = CliRun.of(args);

        assertThat(first.err()).startsWith("braid: shipped 2 records to " + topic + "\n").contains("\nbraid: stamped with ");
        String resumed = "braid: resumed " + log + " at byte %d, where the last run stopped: the lines before were"
                + " shipped then (positions are kept in " + dir.resolve("state") + ")\n";
        assertThat(second.err()).startsWith(resumed.formatted(27) + "braid: shipped 1 record to " + topic + "\n");
        assertThat(third.err()).as("a run that ships nothing says why")
                .startsWith(resumed.formatted(39) + "braid: shipped 0 records to " + topic + "\n");
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.client().readUncommitted(topic);
        assertThat(records).extracting(CliRun::value).containsExactly("started", "listening on :8080", "half a line");
        assertThat(records).allSatisfy(record -> {
            assertThat(CliRun.key(record)).isEqualTo(log.toString());
            assertThat(CliRun.header(record, "braid.service")).isEqualTo("checkout-api");
            assertThat(CliRun.header(record, BraidHeaders.ID)).startsWith(log + ":");
        });
    }

    private CliRun testReports(String topic, String run, String... reports) {
        List<String> args = new java.util.ArrayList<>(List.of("ingest", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "raw.test=" + topic, "--run-id", run, "--test-report"));
        args.addAll(List.of(reports));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void aFormatNamesTheParserOfEveryLineAndMustBeOneOfTheSource() throws Exception {
        String topic = TestTopics.create(KAFKA, "raw.backend");
        Path log = Files.writeString(dir.resolve("orders.log"), "12:00:05.123 [main] INFO  c.e.Orders - placed\n");
        CliRun run = CliRun.of("ingest", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "raw.backend=" + topic,
                "--tail", log.toString(), "--once", "--state-dir", dir.resolve("state").toString(), "--format", "logback");
        CliRun wrong = CliRun.of("ingest", "--tail", log.toString(), "--format", "jest");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(KAFKA.client().readUncommitted(topic)).extracting(record -> CliRun.header(record, BraidHeaders.FORMAT))
                .containsExactly("logback");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).startsWith("braid: --format jest is not a format of the backend source: use one of docker,");
    }

    @Test
    void aSessionStampsEveryRecord() throws Exception {
        String topic = TestTopics.create(KAFKA, "raw.browser");
        CliRun run = CliRun.piped(Fixtures.bytes("fixtures/browser/cdp-events.jsonl"), () -> CliRun.of("ingest",
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "raw.browser=" + topic, "--source", "browser", "--session", "tab-7"));

        assertThat(run.err()).contains("session=tab-7 (--session)");
        assertThat(KAFKA.client().readUncommitted(topic)).hasSizeGreaterThan(40)
                .allSatisfy(record -> assertThat(CliRun.header(record, "braid.session")).isEqualTo("tab-7"));
    }

    @Test
    void anUnreachableBrokerIsOneLine() throws Exception {
        Path report = Files.write(dir.resolve("report.json"), Fixtures.bytes("fixtures/test/jest-report.json"));

        // Admin timeouts shorter than Braid's 10 s keep the test quick; the failure is the same.
        CliRun run = CliRun.of("ingest", "--bootstrap-servers", "127.0.0.1:1",
                "-X", "request.timeout.ms=1000", "-X", "default.api.timeout.ms=1000", "--test-report", report.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("braid: cannot reach Kafka at 127.0.0.1:1").hasLineCount(1);
    }

    @Test
    void misusedOptionsAreUsageErrors() {
        assertThat(CliRun.of("ingest", "--exec").err()).startsWith("braid: --exec needs the command after --");
        assertThat(CliRun.of("ingest", "--once").err()).startsWith("braid: --once applies only with --tail");
        assertThat(CliRun.of("ingest", "npm", "test").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("ingest", "--tail", "a.log", "--test-report", "b.xml").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("ingest", "--source", "syslog").err())
                .startsWith("braid: Invalid value for option '--source': 'syslog' is not a source");
    }

    private CliRun testReport(Path file) {
        CliRun run = CliRun.of("ingest", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--test-report", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        return run;
    }

    private static Level levelOf(String line) throws Exception {
        List<NormalizedEvent.Builder> drafts = BACKEND.parse(new ParseInput(line, Map.of(), 0L));
        assertThat(drafts).hasSize(1);
        assertThat(drafts.get(0).getTags()).contains("format:plain");
        return drafts.get(0).getLevel();
    }
}
