package dev.braid.normalize.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.RawRecord;
import dev.braid.schema.Source;
import dev.braid.testing.Fixtures;
import dev.braid.testing.MeteredHarness;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Docker's json-file driver cuts lines over 16 KiB into entries; the parser must see the line whole. */
class RejoinDockerLinesTest {

    private static final long T0 = 1_795_255_200_000L;
    private static final Duration MAX_HOLD = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private MeteredHarness<String, RawRecord, RawRecord> metered;
    private KeyedOneInputStreamOperatorTestHarness<String, RawRecord, RawRecord> harness;

    @BeforeEach
    void openHarness() throws Exception {
        open(1_000_000);
    }

    @AfterEach
    void closeHarness() throws Exception {
        metered.close();
    }

    @Test
    void theCutLinesOfARealDockerLogAreWholeAgainAndNothingElseChanges() throws Exception {
        List<String> entries = Fixtures.lines("fixtures/backend/docker-mixed.log");
        for (int offset = 0; offset < entries.size(); offset++) {
            send(offset, entries.get(offset));
        }

        List<RawRecord> out = harness.extractOutputValues();
        // 70 entries for 67 lines: the 46 KB pino line came as 3 entries, the 22 KB logback line as 2
        assertThat(entries).hasSize(70);
        assertThat(out).hasSize(67).allSatisfy(record -> assertThat(log(record)).endsWith("\n"));
        assertThat(out.stream().map(RejoinDockerLinesTest::log).reduce("", String::concat))
                .isEqualTo(entries.stream().map(entry -> log(entry.getBytes(StandardCharsets.UTF_8))).reduce("", String::concat));
        List<RawRecord> rejoined = out.stream().filter(record -> record.headers.containsKey(RejoinDockerLines.PART_OFFSETS_HEADER))
                .toList();
        assertThat(rejoined).extracting(record -> log(record).length()).allSatisfy(length -> assertThat(length).isGreaterThan(16_384));
        assertThat(rejoined).extracting(record -> record.headers.get(RejoinDockerLines.PART_OFFSETS_HEADER))
                .allSatisfy(offsets -> assertThat(offsets).matches("\\d+(,\\d+)?"));
        assertThat(metered.count("dockerPartsRejoined")).isEqualTo(3);
        assertThat(metered.held()).isEmpty();
    }

    @Test
    void stdoutAndStderrPartsInterleavedInOneFileAreJoinedApart() throws Exception {
        send(0, entry("{\"level\":30,\"msg\":\"a", "stdout"));
        send(1, entry("WARN disk usage 91%\n", "stderr"));
        send(2, entry("b\"}\n", "stdout"));

        assertThat(harness.extractOutputValues()).extracting(RejoinDockerLinesTest::log)
                .containsExactly("WARN disk usage 91%\n", "{\"level\":30,\"msg\":\"ab\"}\n");
        RawRecord joined = harness.extractOutputValues().get(1);
        assertThat(joined.offset).as("the first part's offset").isZero();
        assertThat(joined.timestamp).as("the last part's time").isEqualTo(T0 + 2);
        assertThat(joined.headers).containsEntry(RejoinDockerLines.PART_OFFSETS_HEADER, "2");
    }

    @Test
    void aLineWhoseLastPartNeverComesIsReleasedAsItIsOnceTheWatermarkPassesIt() throws Exception {
        send(0, entry("container died mid-li", "stdout"));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(T0);

        assertThat(harness.extractOutputValues()).extracting(RejoinDockerLinesTest::log).containsExactly("container died mid-li");
        assertThat(metered.held()).isEmpty();
    }

    @Test
    void aLineWhoseLastPartNeverComesIsReleasedAfterMaxHoldOfWallTimeWhenTheWatermarkStalls() throws Exception {
        send(0, entry("stuck", "stdout"));
        metered.wallClock(MAX_HOLD.toMillis() - 1);
        assertThat(harness.extractOutputValues()).isEmpty();

        metered.wallClock(MAX_HOLD.toMillis());

        assertThat(harness.extractOutputValues()).extracting(RejoinDockerLinesTest::log).containsExactly("stuck");
        assertThat(harness.extractOutputValues().get(0).timestamp).as("keeps its record's time").isEqualTo(T0);
    }

    @Test
    void aLineGrowingPastTheRecordBoundIsReleasedAtOnceSoStateStaysBounded() throws Exception {
        metered.close();
        open(10);
        send(0, entry("0123456", "stdout"));
        send(1, entry("789abc", "stdout"));

        assertThat(harness.extractOutputValues()).extracting(RejoinDockerLinesTest::log).containsExactly("0123456789abc");
        assertThat(metered.held()).isEmpty();
    }

    @Test
    void recordsThatAreNotDockerEntriesPassUntouched() throws Exception {
        send(0, "2026-12-03 05:33:01.367 INFO  [main] c.e.OrderService - no newline in a plain line");
        send(1, "{\"level\":30,\"msg\":\"pino without log field\"}");

        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(metered.held()).isEmpty();
    }

    private void open(long maxBytes) throws Exception {
        metered = new MeteredHarness<>(new RejoinDockerLines(MAX_HOLD, maxBytes),
                raw -> raw.topic + '/' + raw.partition + '/' + new String(raw.key, StandardCharsets.UTF_8), Types.STRING);
        harness = metered.harness();
        metered.wallClock(0);
    }

    private void send(long offset, String value) throws Exception {
        RawRecord raw = new RawRecord(Source.BACKEND, "braid.raw.backend", 0, offset, T0 + offset,
                "mixed-app-json.log".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), Map.of());
        harness.processElement(raw, raw.timestamp);
    }

    /** A json-file entry as Docker writes it, {@code log} first. */
    private static String entry(String log, String stream) {
        return JSON.createObjectNode().put("log", log).put("stream", stream).put("time", "2026-12-03T05:34:02.04028032Z").toString();
    }

    private static String log(RawRecord record) {
        return log(record.value);
    }

    private static String log(byte[] entry) {
        try {
            return JSON.readTree(entry).path("log").asText(new String(entry, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new String(entry, StandardCharsets.UTF_8); // not JSON: the record passed as it came
        }
    }
}
