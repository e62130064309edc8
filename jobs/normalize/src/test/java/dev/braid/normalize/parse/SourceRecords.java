package dev.braid.normalize.parse;

import dev.braid.schema.LogLine;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.Fixtures;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test records for the parsers. An instance runs the records of one source through that source's
 * parser as the pipeline does, reading fixtures from {@code fixtures/<source>/}; the static methods
 * feed a single format parser directly.
 */
public final class SourceRecords {

    /** The Kafka timestamp of every source test record: later the same day as the fixtures were made. */
    public static final long KAFKA_TIME = Instant.parse("2026-11-21T23:00:00Z").toEpochMilli();

    private final SourceParser parser;
    private final String fixtures;

    private SourceRecords(SourceParser parser, String fixtures) {
        this.parser = parser;
        this.fixtures = fixtures;
    }

    /** The records of a source whose formats are {@code formats} and whose fixtures lie under {@code fixtures/<source>/}. */
    public static SourceRecords of(List<FormatParser> formats, String source) {
        return new SourceRecords(new SourceParser(formats), "fixtures/" + source + "/");
    }

    public List<NormalizedEvent.Builder> parse(String text) throws ParseException {
        return parser.parse(new ParseInput(text, Map.of(), KAFKA_TIME));
    }

    public List<NormalizedEvent.Builder> parse(String text, String format) throws ParseException {
        return parser.parse(new ParseInput(text, Map.of(ParseInput.FORMAT_HEADER, format), KAFKA_TIME));
    }

    /** The single event of a record. */
    public NormalizedEvent.Builder one(String text) throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse(text);
        assertThat(drafts).hasSize(1);
        return drafts.get(0);
    }

    /** Every non-blank line of a fixture, each parsed as a record of its own, as a line-per-record shipper sends them. */
    public List<NormalizedEvent.Builder> eachLine(String fixture) throws ParseException {
        List<NormalizedEvent.Builder> events = new ArrayList<>();
        for (String line : lines(fixture)) {
            events.add(one(line));
        }
        return events;
    }

    /** The events of {@link #eachLine} that the named format parsed, leaving out stack lines and the like. */
    public List<NormalizedEvent.Builder> eachLineParsedAs(String fixture, String formatName) throws ParseException {
        return eachLine(fixture).stream().filter(event -> formatName.equals(format(event))).toList();
    }

    public List<String> lines(String fixture) {
        return Fixtures.lines(fixtures + fixture);
    }

    public String text(String fixture) {
        return Fixtures.text(fixtures + fixture);
    }

    /**
     * The multi-line record a multiline-aware shipper sends: the fixture line containing {@code first}
     * and the lines after it up to the next one that starts an event.
     */
    public String record(String fixture, String first, Predicate<String> startsEvent) {
        List<String> all = text(fixture).lines().toList();
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

    /** The format the source parser chose for an event, from its {@code format:} tag. */
    public static String format(NormalizedEvent.Builder event) {
        return event.getTags().stream().filter(tag -> tag.startsWith("format:"))
                .map(tag -> tag.substring("format:".length())).findFirst().orElseThrow();
    }

    public static LogLine logLine(NormalizedEvent.Builder event) {
        return (LogLine) event.getPayload();
    }

    public static Instant time(String iso) {
        return Instant.parse(iso);
    }

    /** A record for a single format parser: no headers, Kafka timestamp 0. */
    public static ParseInput input(String text) {
        return new ParseInput(text, Map.of(), 0L);
    }

    /** The single draft a format parser makes of a record. */
    public static NormalizedEvent.Builder parseOne(FormatParser parser, String text) throws ParseException {
        List<NormalizedEvent.Builder> drafts = parser.parse(input(text));
        assertThat(drafts).hasSize(1);
        return drafts.get(0);
    }
}
