package dev.braid.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.RawRecord;
import dev.braid.normalize.functions.RawRecordNormalizer;
import dev.braid.normalize.redact.Redactor;
import dev.braid.testing.SecretCorpus;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.Fixtures;
import dev.braid.testing.ToolFixtures;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pins what normalize publishes for every real-tool fixture and what the redactor makes of every
 * secret and false-positive sample, so a faster parser or redactor cannot change the output. The
 * normalizer's output is pinned as a digest per record (the files would be megabytes); a mismatch
 * prints the record's output in full. After an intended change, regenerate with
 * {@code mvn -pl jobs/normalize test -Dtest=PinnedOutputTest -Dbraid.pin.update=true} and review the diff.
 */
class PinnedOutputTest {

    private static final Path PINS = Path.of("src/test/resources/pinned");
    private static final boolean UPDATE = Boolean.getBoolean("braid.pin.update");
    private static final long KAFKA_TIME = Instant.parse("2026-11-21T23:00:00Z").toEpochMilli();

    @Test
    void normalizedOutputOfEveryFixtureIsPinned() throws IOException {
        RawRecordNormalizer normalizer = new RawRecordNormalizer(NormalizeConfig.MAX_RECORD_SIZE.defaultValue().getBytes(),
                NormalizeConfig.MAX_TIME_AHEAD.defaultValue());
        Map<String, String> outputs = new LinkedHashMap<>();
        fixtureRecords().forEach((name, raw) -> outputs.put(name, canonical(normalizer.normalize(raw))));

        Path pins = PINS.resolve("normalized-output.sha256");
        if (UPDATE) {
            write(pins, digestLines(outputs));
        }
        Map<String, String> pinned = new LinkedHashMap<>();
        Files.readAllLines(pins).stream().filter(line -> !line.isBlank()).map(line -> line.split("\t", 2))
                .forEach(fields -> pinned.put(fields[0], fields[1]));
        List<String> changed = new ArrayList<>();
        outputs.forEach((name, output) -> {
            if (!sha256(output).equals(pinned.get(name))) {
                changed.add(name + "\n" + output);
            }
        });

        assertThat(outputs.keySet()).containsExactlyElementsOf(pinned.keySet());
        assertThat(changed).as("records whose normalized output changed (first of them in full)")
                .isEmpty();
    }

    @Test
    void redactionOfEverySecretAndLookalikeIsPinned() throws IOException {
        Redactor redactor = new Redactor();
        StringBuilder output = new StringBuilder();
        for (SecretCorpus entry : SecretCorpus.all()) {
            output.append(entry.shape()).append('\t').append(escape(redactor.redact(entry.text()))).append('\n');
        }
        for (SecretCorpus.Lookalike lookalike : SecretCorpus.lookalikes()) {
            output.append(lookalike.name()).append('\t').append(escape(redactor.redact(lookalike.text()))).append('\n');
        }

        Path pins = PINS.resolve("redacted-corpus.tsv");
        if (UPDATE) {
            write(pins, output.toString());
        }
        assertThat(output.toString()).isEqualTo(Files.readString(pins));
    }

    private static Map<String, RawRecord> fixtureRecords() {
        Map<String, RawRecord> records = new LinkedHashMap<>();
        for (String fixture : ToolFixtures.LINE_FIXTURES) {
            List<String> lines = Fixtures.text("fixtures/" + fixture).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).isBlank()) {
                    records.put(fixture + ":" + (i + 1), raw(ToolFixtures.sourceOf(fixture), lines.get(i), records.size()));
                }
            }
        }
        for (String entry : ToolFixtures.WHOLE_FILE_FIXTURES) {
            records.put(entry, raw(ToolFixtures.sourceOf(entry), Fixtures.text("fixtures/" + ToolFixtures.path(entry)), records.size()));
        }
        return records;
    }

    private static RawRecord raw(Source source, String value, long offset) {
        return new RawRecord(source, "raw." + source.name().toLowerCase(), 0, offset, KAFKA_TIME,
                "pin".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), Map.of());
    }


    /** The published records of one raw record, with the times of publication (wall clock) fixed. */
    private static String canonical(RawRecordNormalizer.Result result) {
        StringBuilder text = new StringBuilder();
        for (NormalizedEvent event : result.events()) {
            event.setIngestTime(Instant.EPOCH);
            text.append(event).append('\n');
        }
        DeadLetter deadLetter = result.deadLetter();
        if (deadLetter != null) {
            deadLetter.setTime(Instant.EPOCH);
            text.append(deadLetter).append('\n');
        }
        return text.append("clamped=").append(result.clamped()).append(" blank=").append(result.blank()).toString();
    }

    private static String digestLines(Map<String, String> outputs) {
        StringBuilder lines = new StringBuilder();
        outputs.forEach((name, output) -> lines.append(name).append('\t').append(sha256(output)).append('\n'));
        return lines.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
    }

    private static void write(Path path, String text) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }
}
