package dev.braid.normalize.parse.browser;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.SourceRecords;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.WebVital;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.braid.normalize.parse.SourceRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class WebVitalParserTest {

    private static final SourceRecords BROWSER = SourceRecords.of(BrowserParsers.all(), "browser");

    private static final String PAGE = "http://127.0.0.1:8765/";

    @Test
    void everyReportedMetricBecomesAWebVitalEventWithItsNameValueAndRating() throws ParseException {
        List<NormalizedEvent.Builder> vitals = BROWSER.eachLine("web-vitals.jsonl");

        assertThat(vitals).hasSize(6).allSatisfy(event -> {
            assertThat(format(event)).isEqualTo("web-vitals");
            assertThat(event.getKind()).isEqualTo("web.vital");
            assertThat(event.getLevel()).isEqualTo(Level.INFO);
            assertThat(event.getMetadata()).containsEntry("navigationType", "navigate");
        });
        assertThat(vitals).extracting(event -> (WebVital) event.getPayload())
                .extracting(WebVital::getName, WebVital::getValue, WebVital::getRating, WebVital::getPage)
                .containsExactly(
                        tuple("TTFB", 15.200000000011642, "good", PAGE),
                        tuple("FCP", 144.0, "good", PAGE),
                        tuple("LCP", 144.0, "good", PAGE),
                        tuple("CLS", 0.0, "good", PAGE),
                        tuple("CLS", 0.03693000410245434, "good", PAGE),
                        tuple("INP", 144.0, "good", PAGE));
    }

    @Test
    void messageSaysMetricValueRatingAndPage() throws ParseException {
        List<NormalizedEvent.Builder> vitals = BROWSER.eachLine("web-vitals.jsonl");

        assertThat(vitals.get(2).getMessage()).isEqualTo("LCP 144.0 (good) on http://127.0.0.1:8765/");
        assertThat(vitals.get(4).getMessage()).isEqualTo("CLS 0.03693000410245434 (good) on http://127.0.0.1:8765/");
    }

    @Test
    void eventTimeIsThePageStartEncodedInTheMetricId() throws ParseException {
        List<NormalizedEvent.Builder> vitals = BROWSER.eachLine("web-vitals.jsonl");

        assertThat(vitals).extracting(NormalizedEvent.Builder::getEventTime).containsExactly(
                time("2026-11-21T16:58:54.287Z"),
                time("2026-11-21T16:58:54.286Z"),
                time("2026-11-21T16:58:54.287Z"),
                time("2026-11-21T16:58:54.383Z"),
                time("2026-11-21T16:58:54.383Z"),
                time("2026-11-21T16:58:54.287Z"));
        assertThat(vitals.get(5).getMetadata())
                .containsEntry("metricId", "v6-1795280334287-2091539449544")
                .containsEntry("delta", "144");
    }

    @Test
    void poorRatingIsAWarning() throws ParseException {
        NormalizedEvent.Builder poor = BROWSER.one("{\"name\":\"LCP\",\"value\":4810.5,\"rating\":\"poor\",\"delta\":4810.5,"
                + "\"id\":\"v6-1795280334287-1\",\"navigationType\":\"reload\",\"sessionId\":\"s-42\"}");

        assertThat(poor.getLevel()).isEqualTo(Level.WARN);
        assertThat(poor.getMessage()).isEqualTo("LCP 4810.5 (poor)");
        assertThat(((WebVital) poor.getPayload()).getPage()).isNull();
        assertThat(poor.getKeysBuilder().getSession()).isEqualTo("s-42");
    }

    @Test
    void metricWithoutATimedIdHasNoEventTime() throws ParseException {
        NormalizedEvent.Builder vital = BROWSER.one("{\"name\":\"INP\",\"value\":88,\"rating\":\"good\",\"id\":\"custom-1\"}");

        assertThat(vital.hasEventTime()).isFalse();
    }

    @Test
    void unknownMetricNameViolatesTheSchema() {
        assertThatThrownBy(() -> BROWSER.parse("{\"name\":\"TTI\",\"value\":1200,\"rating\":\"good\",\"id\":\"v6-1795280334287-1\"}"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e.getMessage()).startsWith("web-vitals metric 'TTI' is none of");
                });
    }

    @Test
    void metricWithoutNumericValueViolatesTheSchema() {
        assertThatThrownBy(() -> BROWSER.parse("{\"name\":\"CLS\",\"value\":\"0.1\",\"rating\":\"good\"}"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e.getMessage()).isEqualTo("web-vitals metric CLS has no numeric value");
                });
    }

    @Test
    void metricWithoutNameViolatesTheSchema() {
        assertThatThrownBy(() -> BROWSER.parse("{\"value\":1,\"rating\":\"good\"}"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e.getMessage()).isEqualTo("web-vitals record lacks required field 'name'");
                });
    }

    @Test
    void truncatedMetricIsUnparseable() {
        String line = BROWSER.lines("web-vitals.jsonl").get(2);

        assertThatThrownBy(() -> BROWSER.parse(line.substring(0, 60)))
                .isInstanceOfSatisfying(ParseException.class, e ->
                        assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE));
    }
}
