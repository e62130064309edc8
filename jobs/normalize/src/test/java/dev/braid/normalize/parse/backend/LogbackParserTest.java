package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.SourceRecords;
import dev.braid.normalize.parse.StackTraces;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.braid.normalize.parse.SourceRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class LogbackParserTest {

    private static final SourceRecords BACKEND = SourceRecords.of(BackendParsers.all(), "backend");

    private static boolean startsEvent(String line) {
        return line.matches("^\\d.*");
    }

    @Test
    void defaultPatternLinesCarryThreadLevelLoggerAndTimeOfDayOnTheKafkaDate() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLineParsedAs("logback.log", "logback");

        assertThat(events).extracting(NormalizedEvent.Builder::getLevel, NormalizedEvent.Builder::getMessage,
                event -> logLine(event).getThread(), event -> logLine(event).getLogger()).containsExactly(
                tuple(Level.INFO, "Starting OrderService v1.4.2 on port 8080", "main", "com.example.orders.OrderService"),
                tuple(Level.DEBUG, "Loaded 42 pricing rules", "main", "com.example.orders.OrderService"),
                tuple(Level.WARN, "Connection pool nearly exhausted: active=9 max=10", "main", "com.example.orders.OrderService"),
                tuple(Level.INFO, "Query took 153 ms", "main", "c.e.o.persistence.OrderRepository"),
                tuple(Level.INFO, "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 GET /api/orders/42 -> 200 (12 ms)",
                        "http-nio-8080-exec-1", "com.example.orders.OrderService"),
                tuple(Level.ERROR, "Unhandled exception while processing request", "http-nio-8080-exec-1",
                        "com.example.orders.OrderService"),
                tuple(Level.ERROR, "Shutting down: SIGTERM received", "main", "com.example.orders.OrderService"));
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:58:21.537Z"));
        assertThat(events.get(4).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void stackLinesShippedOneByOneAreContinuationsOrExceptionSummaries() throws ParseException {
        List<String> lines = BACKEND.lines("logback.log");
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("logback.log");

        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            NormalizedEvent.Builder event = events.get(i);
            if (line.startsWith("\t") || line.startsWith("Caused by: ")) {
                assertThat(event.getKind()).as(line).isEqualTo(StackTraces.CONTINUATION_KIND);
                assertThat(format(event)).isEqualTo("continuation");
            } else if (line.startsWith("java.lang.")) {
                assertThat(format(event)).isEqualTo("plain");
                assertThat(event.getLevel()).as(line).isEqualTo(Level.ERROR);
            }
        }
        assertThat(events.get(0).getMessage()).startsWith("SLF4J(I): Connected with provider");
        assertThat(format(events.get(0))).isEqualTo("plain");
    }

    @Test
    void anErrorRecordWithItsExceptionChainKeepsTheWholeChainAsStackTrace() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one(BACKEND.record("logback.log", "Unhandled exception", LogbackParserTest::startsEvent));

        assertThat(format(event)).isEqualTo("logback");
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getMessage()).isEqualTo("Unhandled exception while processing request");
        assertThat(logLine(event).getStackTrace())
                .startsWith("java.lang.RuntimeException: request failed for order ord_790\n\tat com.example.orders.OrderService.handle")
                .contains("Caused by: java.lang.NumberFormatException: For input string: \"three\"")
                .contains("Caused by: java.lang.IllegalStateException: invalid order ord_791")
                .endsWith("\t... 2 more");
    }

    @Test
    void springBootLinesCarryPidPaddedThreadAndLogger() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLineParsedAs("logback-springboot.log", "logback");

        assertThat(events).extracting(NormalizedEvent.Builder::getLevel, NormalizedEvent.Builder::getMessage,
                event -> logLine(event).getThread()).containsExactly(
                tuple(Level.INFO, "Starting OrderService v1.4.2 on port 8080", "main"),
                tuple(Level.WARN, "Connection pool nearly exhausted: active=9 max=10", "main"),
                tuple(Level.INFO, "Query took 153 ms", "main"),
                tuple(Level.INFO, "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 GET /api/orders/42 -> 200 (12 ms)", "nio-8080-exec-1"),
                tuple(Level.ERROR, "Unhandled exception while processing request", "nio-8080-exec-1"),
                tuple(Level.ERROR, "Shutting down: SIGTERM received", "main"));
        assertThat(events).allSatisfy(event -> assertThat(event.getMetadata()).containsEntry("pid", "12345"));
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:58:24.257Z"));
        assertThat(logLine(events.get(2)).getLogger()).isEqualTo("c.e.orders.persistence.OrderRepository");
        assertThat(events.get(3).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void springBootErrorRecordMergesItsCausedByChain() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one(
                BACKEND.record("logback-springboot.log", "Unhandled exception", LogbackParserTest::startsEvent));

        assertThat(format(event)).isEqualTo("logback");
        assertThat(logLine(event).getStackTrace())
                .startsWith("java.lang.RuntimeException: request failed for order ord_790")
                .endsWith("\t... 3 common frames omitted")
                .hasLineCount(15);
    }

    @Test
    void springBoot3IsoOffsetApplicationNameAndCorrelationIdAreRead() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("2026-11-21T17:58:24.262+01:00  INFO 12345 --- [orders] [nio-8080-exec-1] "
                + "[4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7] c.e.orders.OrderService                  : GET /api/orders/42");

        assertThat(format(event)).isEqualTo("logback");
        assertThat(event.getEventTime()).isEqualTo(time("2026-11-21T16:58:24.262Z"));
        assertThat(event.getKeysBuilder().getService()).isEqualTo("orders");
        assertThat(logLine(event).getThread()).isEqualTo("nio-8080-exec-1");
        assertThat(event.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(event.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(event.getMessage()).isEqualTo("GET /api/orders/42");

        NormalizedEvent.Builder withoutName = BACKEND.one("2026-11-21T17:58:24.262+01:00  WARN 12345 --- [           main] "
                + "c.e.orders.OrderService                  : pool low");
        assertThat(withoutName.getLevel()).isEqualTo(Level.WARN);
        assertThat(withoutName.getKeysBuilder().getService()).isNull();
        assertThat(logLine(withoutName).getThread()).isEqualTo("main");
    }

    /** The layouts people configure, each file from a real logback 1.5.12 run (see the fixtures' README). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "logback-level-first.log,  2026-12-03T05:33:01.367Z",
            "logback-default-date.log, 2026-12-03T05:33:01.720Z",
            "logback-thread-first.log, 2026-12-03T05:33:02.061Z",
            "logback-iso-t.log,        2026-12-03T05:33:02.420Z",
            "logback-iso-zone.log,     2026-12-03T05:33:02.800Z",
            "logback-springboot3.log,  2026-12-03T05:33:06.957Z"})
    void everyCommonLayoutIsReadWithItsOwnTimeLevelThreadAndLogger(String fixture, String firstTime) throws ParseException {
        List<String> starts = BACKEND.lines(fixture).stream().filter(LogbackParserTest::startsEvent).toList();
        List<NormalizedEvent.Builder> events = BACKEND.eachLineParsedAs(fixture, "logback");

        assertThat(events).hasSameSizeAs(starts).allSatisfy(event -> {
            assertThat(logLine(event).getThread()).isIn("main", "http-nio-8080-exec-1", "nio-8080-exec-1");
            assertThat(logLine(event).getLogger()).matches("[\\w.]+\\.Order(Service|Repository)");
        });
        NormalizedEvent.Builder first = events.get(0);
        assertThat(first.getEventTime()).isEqualTo(time(firstTime));
        assertThat(first.getLevel()).isEqualTo(Level.INFO);
        assertThat(first.getMessage()).isEqualTo("Starting OrderService v1.4.2 on port 8080");
        assertThat(events).extracting(NormalizedEvent.Builder::getLevel).contains(Level.WARN, Level.ERROR);

        NormalizedEvent.Builder error = BACKEND.one(BACKEND.record(fixture, "Unhandled exception", LogbackParserTest::startsEvent));
        assertThat(format(error)).isEqualTo("logback");
        assertThat(error.getMessage()).isEqualTo("Unhandled exception while processing request");
        assertThat(logLine(error).getStackTrace())
                .startsWith("java.lang.RuntimeException: request failed for order ord_790")
                .contains("Caused by: java.lang.NumberFormatException: For input string: \"three\"");
    }

    @Test
    void aLineNamedLogbackThatIsNotLogbackIsUnparseable() {
        assertThatThrownBy(() -> BACKEND.parse("server listening on :8080", "logback"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE))
                .hasMessageContaining("matches none of the patterns")
                .hasMessageEndingWith("'server listening on :8080'");
    }
}
