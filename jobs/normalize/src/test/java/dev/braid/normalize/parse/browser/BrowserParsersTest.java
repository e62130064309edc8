package dev.braid.normalize.parse.browser;

import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.DeadLetterReason;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;

import static dev.braid.normalize.parse.browser.BrowserRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrowserParsersTest {

    @Test
    void eachFixtureIsRecognisedWithoutAFormatHeader() throws ParseException {
        assertThat(eachLine("cdp-events.jsonl")).extracting(BrowserRecords::format).containsOnly("cdp");
        assertThat(eachLine("web-vitals.jsonl")).extracting(BrowserRecords::format).containsOnly("web-vitals");
        assertThat(parse(text("a11y-violations.json"))).extracting(BrowserRecords::format).containsOnly("axe");
    }

    @Test
    void formatHeaderPicksTheParser() throws ParseException {
        String vital = lines("web-vitals.jsonl").get(0);

        assertThat(parse(vital, "web-vitals")).extracting(BrowserRecords::format).containsExactly("web-vitals");
        assertThatThrownBy(() -> parse(vital, "cdp"))
                .isInstanceOfSatisfying(ParseException.class, e ->
                        assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION));
    }

    @Test
    void formatHeaderNamingNoBrowserFormatIsAnUnknownFormat() {
        assertThatThrownBy(() -> parse(lines("cdp-events.jsonl").get(0), "har"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT);
                    assertThat(e.getMessage()).contains("braid.format=har").contains("[cdp, user-action, web-vitals, axe]");
                });
    }

    @Test
    void jsonOfNoBrowserFormatIsAnUnknownFormat() {
        assertThatThrownBy(() -> parse("{\"event\":\"pageview\",\"path\":\"/checkout\"}"))
                .isInstanceOfSatisfying(ParseException.class, e ->
                        assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT));
    }

    @Test
    void emptyAxeResultHoldsNoEventAndViolatesTheSchema() {
        assertThatThrownBy(() -> parse("{\"url\":\"http://127.0.0.1:8765/\",\"violations\":[]}"))
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
