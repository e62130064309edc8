package dev.braid.cli.ingest;

import dev.braid.cli.CliRun;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class FileTailerTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private String topic;
    private Shipper shipper;
    private Path log;

    @BeforeEach
    void openShipper() {
        topic = TestTopics.create(KAFKA, "raw.backend");
        Properties client = new Properties();
        client.setProperty("bootstrap.servers", KAFKA.bootstrapServers());
        shipper = Shipper.open(client, topic, Map.of("braid.service", "app"), true);
        log = dir.resolve("app.log");
    }

    @AfterEach
    void closeShipper() {
        shipper.close();
    }

    @Test
    void finishesARenamedFileThenReadsTheNewOneFromItsStart() throws Exception {
        append("a1\na2\n");
        Following following = new Following(tailer());
        awaitValues(2);

        append("a3\na4 never completed");
        Files.move(log, dir.resolve("app.log.1"));
        append("b1\nb2\n");

        assertThat(awaitValues(6)).containsExactly("a1", "a2", "a3", "a4 never completed", "b1", "b2");
        following.stop();
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.client().readUncommitted(topic);
        assertThat(records).hasSize(6);
        assertThat(ids(records)).doesNotHaveDuplicates();
        assertThat(fileKey(records.get(5))).isNotEqualTo(fileKey(records.get(0)));
        assertThat(CliRun.header(records.get(4), BraidHeaders.ID)).endsWith(":0");
    }

    @Test
    void readsATruncatedFileAgainFromItsStartUnderNewIds() throws Exception {
        append("first\nsecond\nthird\n");
        Following following = new Following(tailer());
        awaitValues(3);

        Files.writeString(log, "after truncation\n", StandardOpenOption.TRUNCATE_EXISTING);

        assertThat(awaitValues(4)).containsExactly("first", "second", "third", "after truncation");
        following.stop();
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.client().readUncommitted(topic);
        assertThat(ids(records)).doesNotHaveDuplicates();
        assertThat(CliRun.header(records.get(3), BraidHeaders.ID)).endsWith("~1:0");
    }

    @Test
    void aRestartResumesWhereTheLastRunStoppedWithoutLosingOrRepeatingALine() throws Exception {
        append("1\n2\n3\n");
        Following first = new Following(tailer());
        awaitValues(3);
        first.stop();

        append("4\n5\n6 begun");
        Following second = new Following(tailer());
        awaitValues(5);
        append(" and ended\n");
        awaitValues(6);
        second.stop();

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.client().readUncommitted(topic);
        assertThat(records).extracting(CliRun::value).containsExactly("1", "2", "3", "4", "5", "6 begun and ended");
        assertThat(ids(records)).doesNotHaveDuplicates();
    }

    @Test
    void aLineWithoutNewlineWaitsUntilItIsComplete() throws Exception {
        append("complete\npart");
        Following following = new Following(tailer());
        awaitValues(1);
        Thread.sleep(POLL.toMillis() * 5);
        assertThat(values()).containsExactly("complete");

        append("ial\n");

        assertThat(awaitValues(2)).containsExactly("complete", "partial");
        following.stop();
        assertThat(KAFKA.client().readUncommitted(topic)).extracting(record -> CliRun.header(record, BraidHeaders.ID))
                .containsExactly(idAt(0), idAt("complete\n".length()));
    }

    @Test
    void aFileReplacedWhileStoppedIsReadFromItsStart() throws Exception {
        append("old\n");
        tailer().shipAvailable();
        Files.move(log, dir.resolve("app.log.1"));
        append("new\n");

        tailer().shipAvailable();

        assertThat(values()).containsExactly("old", "new");
    }

    @Test
    void aResendAfterLostStateCarriesTheSameIds() throws Exception {
        append("one\ntwo\n");
        tailer().shipAvailable();

        new FileTailer(log, shipper, dir.resolve("lost-state"), POLL, Map.of()).shipAvailable();

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.client().readUncommitted(topic);
        assertThat(records).extracting(CliRun::value).containsExactly("one", "two", "one", "two");
        assertThat(ids(records.subList(2, 4))).isEqualTo(ids(records.subList(0, 2)));
        assertThat(records).allSatisfy(record -> {
            assertThat(CliRun.key(record)).isEqualTo(log.toString());
            assertThat(CliRun.header(record, "braid.service")).isEqualTo("app");
        });
    }

    private FileTailer tailer() {
        return new FileTailer(log, shipper, dir.resolve("state"), POLL, Map.of());
    }

    private void append(String text) throws IOException {
        Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private List<String> awaitValues(int count) throws InterruptedException {
        return KAFKA.client().awaitCommitted(topic, count, TIMEOUT).stream().map(CliRun::value).toList();
    }

    private List<String> values() {
        return KAFKA.client().readUncommitted(topic).stream().map(CliRun::value).toList();
    }

    private String idAt(long offset) throws IOException {
        Object fileKey = Files.readAttributes(log, BasicFileAttributes.class).fileKey();
        return log + ":" + fileKey + ":" + offset;
    }

    private static List<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(record -> CliRun.header(record, BraidHeaders.ID)).toList();
    }

    /** The file key in {@code <path>:<file key>:<offset>}. */
    private static String fileKey(ConsumerRecord<byte[], byte[]> record) {
        String id = CliRun.header(record, BraidHeaders.ID);
        return id.substring(id.indexOf(':') + 1, id.lastIndexOf(':'));
    }

    /** A tailer following on a thread of its own, as {@code braid ingest --tail} runs it. */
    private static final class Following {

        private final FileTailer tailer;
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Following(FileTailer tailer) {
            this.tailer = tailer;
            this.thread = new Thread(() -> {
                try {
                    tailer.follow();
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "file-tailer");
            thread.start();
        }

        void stop() throws InterruptedException {
            tailer.stop();
            thread.join(TIMEOUT.toMillis());
            assertThat(thread.isAlive()).as("the tailer stopped").isFalse();
            assertThat(failure.get()).isNull();
        }
    }
}
