package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.SourceParser;
import dev.braid.schema.LogLine;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.Fixtures;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs backend records through the backend source parser as the pipeline does. */
final class BackendLogs {

    /** The Kafka timestamp of every test record: later the same day as the fixtures were made. */
    static final long KAFKA_TIME = Instant.parse("2026-11-21T23:00:00Z").toEpochMilli();

    private static final SourceParser PARSER = new SourceParser(BackendParsers.all());

    private BackendLogs() {}

    static List<NormalizedEvent.Builder> parse(String text) throws ParseException {
        return PARSER.parse(new ParseInput(text, Map.of(), KAFKA_TIME));
    }

    static List<NormalizedEvent.Builder> parse(String text, String format) throws ParseException {
        return PARSER.parse(new ParseInput(text, Map.of(ParseInput.FORMAT_HEADER, format), KAFKA_TIME));
    }

    /** The single event of a record. */
    static NormalizedEvent.Builder one(String text) throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse(text);
        assertThat(drafts).hasSize(1);
        return drafts.get(0);
    }

    /** Every non-blank line of a fixture, each parsed as a record of its own, as a line-per-record shipper sends them. */
    static List<NormalizedEvent.Builder> eachLine(String fixture) throws ParseException {
        List<NormalizedEvent.Builder> events = new ArrayList<>();
        for (String line : lines(fixture)) {
            events.add(one(line));
        }
        return events;
    }

    static List<String> lines(String fixture) {
        return Fixtures.lines("fixtures/backend/" + fixture);
    }

    /**
     * The multi-line record a multiline-aware shipper sends: the fixture line containing {@code first}
     * and the lines after it up to the next one that starts an event.
     */
    static String record(String fixture, String first, Predicate<String> startsEvent) {
        List<String> all = Fixtures.text("fixtures/backend/" + fixture).lines().toList();
        int start = 0;
        while (!all.get(start).contains(first)) {
            start++;
        }
        int end = start + 1;
        while (end < all.size() && !startsEvent.test(all.get(end))) {
            end++;
        }
        return String.join("\n", all.subList(start, end));
    }

    static String format(NormalizedEvent.Builder event) {
        return event.getTags().stream().filter(tag -> tag.startsWith("format:")).findFirst().orElseThrow().substring(7);
    }

    static LogLine logLine(NormalizedEvent.Builder event) {
        return (LogLine) event.getPayload();
    }

    static Instant time(String iso) {
        return Instant.parse(iso);
    }
}
