package dev.braid.normalize.parse.browser;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.SourceRecords;
import dev.braid.normalize.redact.Redactor;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import org.junit.jupiter.api.Test;

import static dev.braid.normalize.parse.SourceRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Samples follow the contract in {@link UserActionParser}'s javadoc. */
class UserActionParserTest {

    private static final SourceRecords BROWSER = SourceRecords.of(BrowserParsers.all(), "browser");

    @Test
    void clickOnTheBuyButtonIsAUserActionWithSelectorTextPageAndTime() throws ParseException {
        NormalizedEvent.Builder click = BROWSER.one("{\"type\":\"user.action\",\"action\":\"click\",\"selector\":\"#buy\","
                + "\"text\":\"Buy now\",\"url\":\"http://127.0.0.1:8765/\",\"time\":1795280335879,\"sessionId\":\"s-42\"}");

        assertThat(format(click)).isEqualTo("user-action");
        assertThat(click.getKind()).isEqualTo("user.action");
        assertThat(click.getLevel()).isEqualTo(Level.INFO);
        assertThat(click.getMessage()).isEqualTo("click #buy \"Buy now\"");
        assertThat(click.getEventTime()).isEqualTo(time("2026-11-21T16:58:55.879Z"));
        assertThat(click.getMetadata())
                .containsEntry("action", "click")
                .containsEntry("selector", "#buy")
                .containsEntry("url", "http://127.0.0.1:8765/");
        assertThat(click.getKeysBuilder().getSession()).isEqualTo("s-42");
    }

    @Test
    void isoTimeAndSnakeCaseSessionAreRead() throws ParseException {
        NormalizedEvent.Builder submit = BROWSER.one("{\"type\":\"user.action\",\"action\":\"submit\",\"selector\":\"form#checkout\","
                + "\"url\":\"http://127.0.0.1:8765/\",\"timestamp\":\"2026-11-21T16:58:55.900Z\",\"session_id\":\"s-43\"}");

        assertThat(submit.getMessage()).isEqualTo("submit form#checkout");
        assertThat(submit.getEventTime()).isEqualTo(time("2026-11-21T16:58:55.900Z"));
        assertThat(submit.getKeysBuilder().getSession()).isEqualTo("s-43");
    }

    @Test
    void typedValueOfAnOrdinaryInputIsKept() throws ParseException {
        NormalizedEvent.Builder input = BROWSER.one("{\"type\":\"user.action\",\"action\":\"input\",\"selector\":\"#coupon\","
                + "\"input_type\":\"text\",\"value\":\"SPRING10\",\"time\":1795280335000}");

        assertThat(input.getMetadata()).containsEntry("value", "SPRING10");
    }

    @Test
    void valueTypedIntoAPasswordFieldIsMasked() throws ParseException {
        NormalizedEvent.Builder snake = BROWSER.one("{\"type\":\"user.action\",\"action\":\"input\",\"selector\":\"#pw\","
                + "\"input_type\":\"password\",\"value\":\"hunter2-correct-horse\",\"time\":1795280335000}");
        NormalizedEvent.Builder camel = BROWSER.one("{\"type\":\"user.action\",\"action\":\"change\",\"selector\":\"#pw\","
                + "\"inputType\":\"PASSWORD\",\"value\":\"hunter2-correct-horse\",\"time\":1795280335000}");

        for (NormalizedEvent.Builder event : new NormalizedEvent.Builder[] {snake, camel}) {
            assertThat(event.getMetadata()).containsEntry("value", Redactor.MASK);
            assertThat(event.getMetadata().values()).noneMatch(value -> value.contains("hunter2"));
            assertThat(event.getMessage()).doesNotContain("hunter2");
        }
    }

    @Test
    void actionOutsideTheContractViolatesTheSchema() {
        assertThatThrownBy(() -> BROWSER.parse("{\"type\":\"user.action\",\"action\":\"hover\",\"selector\":\"#buy\"}"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e.getMessage()).startsWith("user.action action 'hover' is none of");
                });
    }

    @Test
    void userActionWithoutActionViolatesTheSchema() {
        assertThatThrownBy(() -> BROWSER.parse("{\"type\":\"user.action\",\"selector\":\"#buy\"}"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e.getMessage()).isEqualTo("user.action record lacks required field 'action'");
                });
    }

    @Test
    void truncatedUserActionIsUnparseable() {
        assertThatThrownBy(() -> BROWSER.parse("{\"type\":\"user.action\",\"action\":\"click\",\"selec"))
                .isInstanceOfSatisfying(ParseException.class, e ->
                        assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE));
    }
}
