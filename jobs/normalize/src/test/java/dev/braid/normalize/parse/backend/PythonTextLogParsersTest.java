package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.SourceRecords;
import dev.braid.normalize.parse.StackTraces;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.braid.normalize.parse.SourceRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Python logging's text formats and structlog's ConsoleRenderer. */
class PythonTextLogParsersTest {

    private static final SourceRecords BACKEND = SourceRecords.of(BackendParsers.all(), "backend");

    private static boolean pythonHeader(String line) {
        return line.matches("^(?:[A-Z]+:|\\d{4}-).*");
    }

    @Test
    void defaultFormatLinesCarryLevelAndLoggerButNoTime() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLineParsedAs("python-logging-default.log", "python-logging");

        assertThat(events).extracting(NormalizedEvent.Builder::getLevel, event -> logLine(event).getLogger(),
                NormalizedEvent.Builder::getMessage).containsExactly(
                tuple(Level.WARN, "root", "disk usage at 91%"),
                tuple(Level.WARN, "app.orders", "retrying payment gateway call attempt=2"),
                tuple(Level.ERROR, "app.orders", "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 payment declined for order ord_789"),
                tuple(Level.ERROR, "app.orders", "failed to process order ord_790"),
                tuple(Level.FATAL, "app.db", "connection pool exhausted (size=10)"),
                tuple(Level.WARN, "app.orders", "multi-line message:"));
        assertThat(events).allSatisfy(event -> assertThat(event.getEventTime()).isNull());
        assertThat(events.get(2).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void asctimeFormatLinesCarryCommaMillisTimeAndTraceIds() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLineParsedAs("python-logging-asctime.log", "python-logging");

        assertThat(events).hasSize(10);
        assertThat(events).extracting(NormalizedEvent.Builder::getLevel).containsExactly(Level.DEBUG, Level.INFO, Level.WARN,
                Level.INFO, Level.WARN, Level.INFO, Level.ERROR, Level.ERROR, Level.FATAL, Level.WARN);
        assertThat(events.get(0).getMessage()).isEqualTo("debug message from root");
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:57:15.515Z"));
        assertThat(events.get(3).getMessage()).isEqualTo("order created order_id=ord_789 amount=19.99");
        assertThat(logLine(events.get(3)).getLogger()).isEqualTo("app.orders");
        assertThat(events.get(5).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events.get(5).getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(events.get(8).getEventTime()).isEqualTo(time("2026-11-21T16:57:15.518Z"));
    }

    @Test
    void tracebackLinesShippedOneByOneAreContinuationsOrExceptionSummaries() throws ParseException {
        List<String> lines = BACKEND.lines("python-logging-default.log");
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("python-logging-default.log");

        int traceback = lines.indexOf("Traceback (most recent call last):");
        assertThat(events.get(traceback).getKind()).isEqualTo(StackTraces.CONTINUATION_KIND);
        assertThat(events.get(traceback + 1).getKind()).isEqualTo(StackTraces.CONTINUATION_KIND);
        assertThat(logLine(events.get(traceback + 1)).getStackTrace())
                .isEqualTo("  File \"/tmp/fixtures-work/pylogs/logging_demo.py\", line 28, in load_order");
        NormalizedEvent.Builder summary = events.get(lines.indexOf("RuntimeError: invalid order payload"));
        assertThat(format(summary)).isEqualTo("plain");
        assertThat(summary.getLevel()).isEqualTo(Level.ERROR);
    }

    @Test
    void aLoggedExceptionRecordMergesItsChainedTraceback() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one(
                BACKEND.record("python-logging-asctime.log", "failed to process order", PythonTextLogParsersTest::pythonHeader));

        assertThat(format(event)).isEqualTo("python-logging");
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getMessage()).isEqualTo("failed to process order ord_790");
        assertThat(logLine(event).getStackTrace())
                .startsWith("Traceback (most recent call last):")
                .contains("ValueError: invalid literal for int() with base 10: 'three'")
                .contains("\n\nThe above exception was the direct cause of the following exception:\n\n")
                .endsWith("RuntimeError: invalid order payload");
    }

    @Test
    void aMultiLineMessageWithoutATracebackStaysTheMessage() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one(
                BACKEND.record("python-logging-default.log", "multi-line message:", PythonTextLogParsersTest::pythonHeader));

        assertThat(event.getMessage()).isEqualTo("multi-line message:\n  line two of the message\n  line three");
        assertThat(logLine(event).getStackTrace()).isNull();
        assertThat(event.getLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void dashedAsctimeFormatIsRead() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("2026-11-21 16:57:15,515 - app.orders - WARNING - retrying");

        assertThat(format(event)).isEqualTo("python-logging");
        assertThat(event.getLevel()).isEqualTo(Level.WARN);
        assertThat(logLine(event).getLogger()).isEqualTo("app.orders");
        assertThat(event.getMessage()).isEqualTo("retrying");
    }

    @Test
    void structlogConsoleLinesSplitEventFromSortedKeyValues() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLineParsedAs("structlog-console.log", "structlog");

        assertThat(events).extracting(NormalizedEvent.Builder::getLevel, NormalizedEvent.Builder::getMessage).containsExactly(
                tuple(Level.INFO, "service started"),
                tuple(Level.DEBUG, "cache warmup"),
                tuple(Level.WARN, "slow query"),
                tuple(Level.INFO, "request handled"),
                tuple(Level.ERROR, "upstream returned error"),
                tuple(Level.ERROR, "failed to process order"),
                tuple(Level.FATAL, "shutting down"));
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:57:18Z"));
        assertThat(events.get(0).getMetadata()).containsEntry("env", "staging").containsEntry("port", "8000");
        assertThat(events.get(2).getMetadata()).containsEntry("duration_ms", "1532.4").containsEntry("table", "orders");
        assertThat(events.get(3).getMetadata()).containsEntry("path", "/api/orders/42").containsEntry("status", "200");
        assertThat(events.get(3).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events.get(3).getSpanId()).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void structlogConsoleExceptionRecordMergesItsTraceback() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one(
                BACKEND.record("structlog-console.log", "failed to process order", PythonTextLogParsersTest::pythonHeader));

        assertThat(format(event)).isEqualTo("structlog");
        assertThat(event.getMessage()).isEqualTo("failed to process order");
        assertThat(event.getMetadata()).containsEntry("order_id", "ord_790").containsEntry("user_id", "u-123");
        assertThat(logLine(event).getStackTrace()).startsWith("Traceback (most recent call last):").endsWith("KeyError: 'missing'");
    }

    @Test
    void structlogConsoleIsoTimestampLoggerColumnAndServiceAreRead() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one(
                "2024-01-02T10:00:00.000000Z [info     ] event text                     [app.api] key=value service=orders");

        assertThat(format(event)).isEqualTo("structlog");
        assertThat(event.getEventTime()).isEqualTo(time("2024-01-02T10:00:00Z"));
        assertThat(event.getMessage()).isEqualTo("event text");
        assertThat(logLine(event).getLogger()).isEqualTo("app.api");
        assertThat(event.getKeysBuilder().getService()).isEqualTo("orders");
        assertThat(event.getMetadata()).containsEntry("key", "value");
    }
}
