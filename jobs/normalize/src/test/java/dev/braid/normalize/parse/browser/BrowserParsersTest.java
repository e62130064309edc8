package dev.braid.normalize.parse.browser;

import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.SourceRecords;
import dev.braid.schema.DeadLetterReason;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;

import static dev.braid.normalize.parse.SourceRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrowserParsersTest {

    private static final SourceRecords BROWSER = SourceRecords.of(BrowserParsers.all(), "browser");

    @Test
    void eachFixtureIsRecognisedWithoutAFormatHeader() throws ParseException {
        assertThat(BROWSER.eachLine("cdp-events.jsonl")).extracting(SourceRecords::format).containsOnly("cdp");
        assertThat(BROWSER.eachLine("web-vitals.jsonl")).extracting(SourceRecords::format).containsOnly("web-vitals");
        assertThat(BROWSER.parse(BROWSER.text("a11y-violations.json"))).extracting(SourceRecords::format).containsOnly("axe");
    }

    @Test
    void formatHeaderPicksTheParser() throws ParseException {
        String vital = BROWSER.lines("web-vitals.jsonl").get(0);

        assertThat(BROWSER.parse(vital, "web-vitals")).extracting(SourceRecords::format).containsExactly("web-vitals");
        assertThatThrownBy(() -> BROWSER.parse(vital, "cdp"))
                .isInstanceOfSatisfying(ParseException.class, e ->
                        assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION));
    }

    @Test
    void formatHeaderNamingNoBrowserFormatIsAnUnknownFormat() {
        assertThatThrownBy(() -> BROWSER.parse(BROWSER.lines("cdp-events.jsonl").get(0), "har"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT);
                    assertThat(e.getMessage()).contains("braid.format=har").contains("[cdp, user-action, web-vitals, axe]");
                });
    }

    @Test
    void jsonOfNoBrowserFormatIsAnUnknownFormat() {
        assertThatThrownBy(() -> BROWSER.parse("{\"event\":\"pageview\",\"path\":\"/checkout\"}"))
                .isInstanceOfSatisfying(ParseException.class, e ->
                        assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT));
    }

    @Test
    void emptyAxeResultHoldsNoEventAndViolatesTheSchema() {
        assertThatThrownBy(() -> BROWSER.parse("{\"url\":\"http://127.0.0.1:8765/\",\"violations\":[]}"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e.getMessage()).isEqualTo("axe record holds no event");
                });
    }

    @Test
    void everyBrowserParserIsSerializable() throws Exception {
        for (FormatParser parser : BrowserParsers.all()) {
            try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
                out.writeObject(parser);
            }
        }
    }
}
