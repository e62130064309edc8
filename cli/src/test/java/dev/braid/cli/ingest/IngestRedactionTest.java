package dev.braid.cli.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cli.CliRun;
import dev.braid.testing.KafkaBrokerExtension;
import dev.braid.testing.SecretCorpus;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code braid ingest} masks every secret of the redaction corpus before it leaves the machine,
 * whichever way it ships: lines of a followed file, of a command's output and of standard input,
 * a test report and a commit. Nothing of any sample may reach a raw topic, in a value, a key or a
 * header.
 */
class IngestRedactionTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final List<SecretCorpus> CORPUS = SecretCorpus.all();

    @TempDir
    Path dir;

    @Test
    void noSecretOfTheCorpusReachesARawTopicWhicheverWayItIsShipped() throws Exception {
        String backend = TestTopics.create(KAFKA, "raw.backend");
        String test = TestTopics.create(KAFKA, "raw.test");
        String git = TestTopics.create(KAFKA, "raw.git");
        Path log = Files.writeString(dir.resolve("app.log"), allTexts());
        Path report = Files.writeString(dir.resolve("TEST-secrets.xml"), junitReportFailingWith(allTexts()));
        Path repo = TestRepos.init(dir.resolve("repo"));
        TestRepos.commit(repo, "rotate credentials\n\n" + allTexts(), "config/app.env", allTexts());

        List<CliRun> runs = List.of(
                ingest(backend, "--tail", log.toString(), "--once", "--state-dir", dir.resolve("state").toString()),
                ingest(backend, "--exec", "--", "cat", log.toString()),
                CliRun.piped(allTexts().getBytes(StandardCharsets.UTF_8), () -> ingest(backend)),
                ingest(test, "--test-report", report.toString()),
                ingest(git, "--commit", "HEAD", "--repo-dir", repo.toString(), "--repo", "https://ci:"
                        + secretOf("github-token") + "@github.com/acme/shop.git"));

        assertThat(runs).allSatisfy(run -> assertThat(run.exitCode()).as(run.err()).isZero());
        List<ConsumerRecord<byte[], byte[]>> shipped = new ArrayList<>();
        for (String topic : List.of(backend, test, git)) {
            shipped.addAll(KAFKA.client().readUncommitted(topic));
        }
        List<String> leaks = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : shipped) {
            String text = allBytes(record);
            CORPUS.stream().filter(entry -> text.contains(entry.secret()))
                    .forEach(entry -> leaks.add(entry.shape() + " on " + record.topic() + ": " + text));
        }
        assertThat(shipped).hasSizeGreaterThan(3 * CORPUS.size());
        assertThat(leaks).as("secrets on the raw topics").isEmpty();
        assertThat(shipped).anyMatch(record -> allBytes(record).contains("[REDACTED]"));
        assertThat(runs.get(0).err()).contains("braid: masked secrets in ");
    }

    @Test
    void textThatOnlyLooksLikeASecretIsShippedByteForByte() throws Exception {
        String topic = TestTopics.create(KAFKA, "raw.backend");
        List<String> lookalikes = SecretCorpus.lookalikes().stream()
                .flatMap(lookalike -> lookalike.text().lines()).toList();

        CliRun run = CliRun.piped(String.join("\n", lookalikes).getBytes(StandardCharsets.UTF_8), () -> ingest(topic));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(KAFKA.client().readUncommitted(topic)).extracting(CliRun::value).containsExactlyElementsOf(lookalikes);
        assertThat(run.err()).doesNotContain("masked");
    }

    @Test
    void noRedactShipsTheRecordsAsTheyAre() throws Exception {
        String topic = TestTopics.create(KAFKA, "raw.backend");
        String line = "deploying with token=" + secretOf("query-token");

        CliRun run = CliRun.piped(line.getBytes(StandardCharsets.UTF_8), () -> ingest(topic, "--no-redact"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(KAFKA.client().readUncommitted(topic)).extracting(CliRun::value).containsExactly(line);
    }

    private static CliRun ingest(String topic, String... more) {
        List<String> args = new ArrayList<>(List.of("ingest", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--no-git-stamps", "--topic", topicName(topic) + "=" + topic));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** The --topic name of a test topic: {@code raw.backend.1a2b3c4d} stands for {@code raw.backend}. */
    private static String topicName(String topic) {
        return topic.substring(0, topic.lastIndexOf('.'));
    }

    private static String allTexts() {
        return CORPUS.stream().map(SecretCorpus::text).collect(Collectors.joining("\n", "", "\n"));
    }

    private static String secretOf(String shape) {
        return CORPUS.stream().filter(entry -> entry.shape().equals(shape)).findFirst().orElseThrow().secret();
    }

    private static String junitReportFailingWith(String output) {
        String escaped = output.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<testsuite name=\"dev.shop.ConfigTest\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.1\">\n"
                + "  <testcase name=\"loadsCredentials\" classname=\"dev.shop.ConfigTest\" time=\"0.1\">\n"
                + "    <failure message=\"credentials rejected\" type=\"java.lang.AssertionError\">" + escaped + "</failure>\n"
                + "  </testcase>\n"
                + "  <system-out>" + escaped + "</system-out>\n"
                + "</testsuite>\n";
    }

    /** Key, value and every header of a record, as text; bytes outside UTF-8 do not hide a secret. */
    private static String allBytes(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder text = new StringBuilder();
        if (record.key() != null) {
            text.append(new String(record.key(), StandardCharsets.ISO_8859_1)).append('\n');
        }
        text.append(new String(record.value(), StandardCharsets.ISO_8859_1)).append('\n');
        for (Header header : record.headers()) {
            text.append(header.key()).append('=').append(new String(header.value(), StandardCharsets.ISO_8859_1)).append('\n');
        }
        return text.toString();
    }
}
