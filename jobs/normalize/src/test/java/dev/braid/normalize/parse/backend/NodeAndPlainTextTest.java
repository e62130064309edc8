package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.SourceRecords;
import dev.braid.normalize.parse.StackTraces;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.braid.normalize.parse.SourceRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Node's console output, other plain text, and lone stack continuations. */
class NodeAndPlainTextTest {

    private static final SourceRecords BACKEND = SourceRecords.of(BackendParsers.all(), "backend");

    @Test
    void nodeConsoleLinesArePlainWithLevelsFromTheirWordsAndNoTime() throws ParseException {
        List<String> lines = BACKEND.lines("node-console.log");
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("node-console.log");

        NormalizedEvent.Builder listening = events.get(0);
        assertThat(format(listening)).isEqualTo("plain");
        assertThat(listening.getLevel()).isEqualTo(Level.INFO);
        assertThat(listening.getMessage()).isEqualTo("server listening on http://127.0.0.1:3000");
        assertThat(listening.getEventTime()).isNull();
        assertThat(events.get(2).getLevel()).isEqualTo(Level.WARN);
        assertThat(events.get(3).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events.get(lines.indexOf("Error: boom")).getLevel()).isEqualTo(Level.ERROR);
        assertThat(events.get(lines.indexOf("TypeError: Cannot read properties of null (reading 'foo')")).getLevel())
                .isEqualTo(Level.ERROR);
        for (int i = 0; i < lines.size(); i++) {
            boolean frame = lines.get(i).startsWith("    at ") || lines.get(i).trim().equals("^");
            assertThat(format(events.get(i))).as(lines.get(i)).isEqualTo(frame ? "continuation" : "plain");
        }
    }

    @Test
    void consoleErrorOfAnErrorIsOneErrorEventWithItsStack() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one(BACKEND.record("node-console.log", "Error: boom", line -> !line.startsWith("    at ")));

        assertThat(format(event)).isEqualTo("plain");
        assertThat(event.getKind()).isEqualTo("log");
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getMessage()).isEqualTo("Error: boom");
        assertThat(logLine(event).getStackTrace())
                .startsWith("    at handler (/tmp/fixtures-work/nodelogs/console-demo.js:6:28)")
                .endsWith("    at node:internal/main/run_main_module:28:49")
                .hasLineCount(8);
    }

    @Test
    void plainTextFollowedByAStackIsAtLeastAnError() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("request handler crashed\n    at handler (/srv/app.js:6:28)\n");

        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getMessage()).isEqualTo("request handler crashed");
        assertThat(logLine(event).getStackTrace()).isEqualTo("    at handler (/srv/app.js:6:28)");
    }

    @Test
    void aLoneStackFrameIsAContinuationOfTheEventBefore() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("    at foo (x.js:1:1)");

        assertThat(format(event)).isEqualTo("continuation");
        assertThat(event.getKind()).isEqualTo(StackTraces.CONTINUATION_KIND);
        assertThat(event.getMessage()).isEqualTo("    at foo (x.js:1:1)");
        assertThat(logLine(event).getFormat()).isEqualTo("plain");
        assertThat(logLine(event).getStackTrace()).isEqualTo("    at foo (x.js:1:1)");
    }

    @Test
    void aRecordOfSeveralFramesIsOneContinuation() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("Caused by: java.io.IOException: reset\n\tat java.net.Socket.read(Socket.java:1)\n");

        assertThat(event.getKind()).isEqualTo(StackTraces.CONTINUATION_KIND);
        assertThat(logLine(event).getStackTrace()).isEqualTo("Caused by: java.io.IOException: reset\n\tat java.net.Socket.read(Socket.java:1)");
    }

    @Test
    void blankTextIsABlankContinuationButNoPlainLine() throws ParseException {
        NormalizedEvent.Builder blank = BACKEND.one("  \n");
        assertThat(blank.getKind()).isEqualTo(StackTraces.CONTINUATION_KIND);
        assertThat(blank.getMessage()).isEmpty();
        assertThatThrownBy(() -> BACKEND.parse("  \n", "plain"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessage("plain log record is empty or only whitespace");
    }

    @Test
    void textNamedAContinuationThatIsNoneIsUnparseable() {
        assertThatThrownBy(() -> BACKEND.parse("server listening", "continuation"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE))
                .hasMessageContaining("does not start with a stack frame");
    }
}
