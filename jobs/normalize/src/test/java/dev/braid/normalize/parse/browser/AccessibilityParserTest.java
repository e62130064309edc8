package dev.braid.normalize.parse.browser;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.SourceRecords;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.braid.normalize.parse.SourceRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class AccessibilityParserTest {

    private static final SourceRecords BROWSER = SourceRecords.of(BrowserParsers.all(), "browser");

    @Test
    void everyViolatedRuleBecomesOneEventWithItsImpactAndTargets() throws ParseException {
        List<NormalizedEvent.Builder> violations = BROWSER.parse(BROWSER.text("a11y-violations.json"));

        assertThat(violations).hasSize(5).allSatisfy(event -> {
            assertThat(format(event)).isEqualTo("axe");
            assertThat(event.getKind()).isEqualTo("a11y.violation");
        });
        assertThat(violations).extracting(
                        event -> event.getMetadata().get("rule"),
                        event -> event.getMetadata().get("impact"),
                        NormalizedEvent.Builder::getLevel,
                        event -> event.getMetadata().get("targets"))
                .containsExactly(
                        tuple("color-contrast", "serious", Level.WARN, "p"),
                        tuple("image-alt", "critical", Level.WARN, "img"),
                        tuple("label", "critical", Level.WARN, "#coupon"),
                        tuple("landmark-one-main", "moderate", Level.INFO, "html"),
                        tuple("region", "moderate", Level.INFO, "h1, div:nth-child(2), div:nth-child(3), p, img, form"));
    }

    @Test
    void messageNamesTheRuleItsHelpAndHowManyElementsFail() throws ParseException {
        List<NormalizedEvent.Builder> violations = BROWSER.parse(BROWSER.text("a11y-violations.json"));

        assertThat(violations.get(0).getMessage())
                .isEqualTo("color-contrast: Elements must meet minimum color contrast ratio thresholds (1 element)");
        assertThat(violations.get(4).getMessage())
                .isEqualTo("region: All page content should be contained by landmarks (6 elements)");
        assertThat(violations.get(1).getMetadata())
                .containsEntry("helpUrl", "https://dequeuniversity.com/rules/axe/4.14/image-alt?application=axeAPI");
    }

    @Test
    void bareViolationsArrayCarriesNoPageOrTime() throws ParseException {
        assertThat(BROWSER.parse(BROWSER.text("a11y-violations.json"))).allSatisfy(event -> {
            assertThat(event.hasEventTime()).isFalse();
            assertThat(event.getMetadata()).doesNotContainKey("url");
        });
    }

    @Test
    void wholeAxeResultGivesPageAndTimeToEveryViolation() throws ParseException {
        String result = "{\"testEngine\":{\"name\":\"axe-core\",\"version\":\"4.14.1\"},"
                + "\"url\":\"http://127.0.0.1:8765/\",\"timestamp\":\"2026-11-21T16:58:56.120Z\","
                + "\"passes\":[],\"incomplete\":[],\"violations\":" + BROWSER.text("a11y-violations.json") + "}";

        List<NormalizedEvent.Builder> violations = BROWSER.parse(result);

        assertThat(violations).hasSize(5).allSatisfy(event -> {
            assertThat(format(event)).isEqualTo("axe");
            assertThat(event.getEventTime()).isEqualTo(time("2026-11-21T16:58:56.120Z"));
            assertThat(event.getMetadata()).containsEntry("url", "http://127.0.0.1:8765/");
        });
    }

    @Test
    void violationWithoutRuleIdViolatesTheSchema() {
        assertThatThrownBy(() -> BROWSER.parse("[{\"impact\":\"serious\",\"helpUrl\":\"https://x\",\"nodes\":[]}]"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e.getMessage()).isEqualTo("axe violation record lacks required field 'id'");
                });
    }

    @Test
    void axeResultWhoseViolationsIsNotAnArrayViolatesTheSchema() {
        assertThatThrownBy(() -> BROWSER.parse("{\"url\":\"http://127.0.0.1:8765/\",\"violations\":{}}", "axe"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e.getMessage()).isEqualTo("axe result has no violations array");
                });
    }

    @Test
    void truncatedAxeReportIsUnparseable() {
        String report = BROWSER.text("a11y-violations.json");

        assertThatThrownBy(() -> BROWSER.parse(report.substring(0, report.length() / 3)))
                .isInstanceOfSatisfying(ParseException.class, e ->
                        assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE));
    }
}
