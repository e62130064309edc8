package dev.braid.normalize.parse.browser;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.SourceParser;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.Fixtures;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs browser records through the browser source parser as the pipeline does. */
final class BrowserRecords {

    /** The Kafka timestamp of every test record: later the same day as the fixtures were recorded. */
    static final long KAFKA_TIME = Instant.parse("2026-11-21T23:00:00Z").toEpochMilli();

    private static final SourceParser PARSER = new SourceParser(BrowserParsers.all());

    private BrowserRecords() {}

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

    /** Every line of a JSON-lines fixture, each parsed as a record of its own. */
    static List<NormalizedEvent.Builder> eachLine(String fixture) throws ParseException {
        List<NormalizedEvent.Builder> events = new ArrayList<>();
        for (String line : lines(fixture)) {
            events.add(one(line));
        }
        return events;
    }

    static List<String> lines(String fixture) {
        return Fixtures.lines("fixtures/browser/" + fixture);
    }

    static String text(String fixture) {
        return Fixtures.text("fixtures/browser/" + fixture);
    }

    /** The event of the CDP fixture line at a zero-based index. */
    static NormalizedEvent.Builder cdpLine(int index) throws ParseException {
        return one(lines("cdp-events.jsonl").get(index));
    }

    static String format(NormalizedEvent.Builder event) {
        return event.getTags().stream().filter(tag -> tag.startsWith("format:"))
                .map(tag -> tag.substring("format:".length())).findFirst().orElse(null);
    }

    static Instant time(String iso) {
        return Instant.parse(iso);
    }
}
