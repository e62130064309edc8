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
import static org.assertj.core.api.Assertions.tuple;

class DockerJsonFileParserTest {

    private static final SourceRecords BACKEND = SourceRecords.of(BackendParsers.all(), "backend");

    @Test
    void everyDockerLineIsUnwrappedAndParsedAgainWithItsStreamAndTime() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("docker-json.log");

        assertThat(events).hasSize(10).allSatisfy(event -> assertThat(format(event)).isEqualTo("docker"));
        assertThat(events).extracting(NormalizedEvent.Builder::getKind, NormalizedEvent.Builder::getLevel,
                event -> logLine(event).getFormat(), event -> logLine(event).getStream()).containsExactly(
                tuple("log", Level.WARN, "plain", "stderr"),
                tuple("log", Level.ERROR, "plain", "stderr"),
                tuple(StackTraces.CONTINUATION_KIND, Level.ERROR, "plain", "stderr"),
                tuple(StackTraces.CONTINUATION_KIND, Level.ERROR, "plain", "stderr"),
                tuple(StackTraces.CONTINUATION_KIND, Level.ERROR, "plain", "stderr"),
                tuple("log", Level.ERROR, "plain", "stderr"),
                tuple("log", Level.INFO, "plain", "stdout"),
                tuple("log", Level.INFO, "json", "stdout"),
                tuple("log", Level.INFO, "plain", "stdout"),
                tuple("log", Level.INFO, "plain", "stdout"));
        assertThat(events).extracting(NormalizedEvent.Builder::getMessage).containsExactly(
                "WARN disk usage 91%",
                "ERROR unhandled exception: boom",
                "Traceback (most recent call last):",
                "  File \"app.py\", line 3, in <module>",
                "    main()",
                "RuntimeError: boom",
                "server listening on :8080",
                "json line from app",
                "line with tab\tand \"quotes\" and unicode é",
                "partial line without newline");
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:58:02.673Z"));
        assertThat(events.get(9).getEventTime()).isEqualTo(time("2026-11-21T16:58:02.698Z"));
        assertThat(events.get(7).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events.get(9).getMetadata()).containsEntry("docker.partial", "true");
        assertThat(events.get(6).getMetadata()).doesNotContainKey("docker.partial");
    }

    @Test
    void theInnerLinesOwnTimeWinsOverDockers() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("{\"log\":\"{\\\"level\\\":50,\\\"time\\\":1795280231658,\\\"msg\\\":\\\"boom\\\"}\\n\","
                + "\"stream\":\"stdout\",\"time\":\"2026-11-21T16:58:02.673255357Z\"}");

        assertThat(format(event)).isEqualTo("docker");
        assertThat(logLine(event).getFormat()).isEqualTo("pino");
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getEventTime()).isEqualTo(time("2026-11-21T16:57:11.658Z"));
    }

    @Test
    void aMultiLineInnerRecordKeepsItsStack() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("{\"log\":\"16:58:21.543 [main] ERROR c.e.Orders - failed\\n"
                + "java.lang.IllegalStateException: bad\\n\\tat c.e.Orders.run(Orders.java:3)\\n\","
                + "\"stream\":\"stderr\",\"time\":\"2026-11-21T16:58:21.543Z\"}");

        assertThat(logLine(event).getFormat()).isEqualTo("logback");
        assertThat(logLine(event).getStackTrace())
                .isEqualTo("java.lang.IllegalStateException: bad\n\tat c.e.Orders.run(Orders.java:3)");
        assertThat(event.getEventTime()).isEqualTo(time("2026-11-21T16:58:21.543Z"));
    }

    @Test
    void anInnerLineThatBreaksJsonIsKeptAsPlainText() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("{\"log\":\"{\\\"level\\\":30,\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-21T16:58:02Z\"}");

        assertThat(logLine(event).getFormat()).isEqualTo("plain");
        assertThat(event.getMessage()).isEqualTo("{\"level\":30,");
    }

    @Test
    void aBlankLineInsideMultiLineOutputIsAContinuation() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("{\"log\":\"\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-21T16:58:02Z\"}");

        assertThat(event.getKind()).isEqualTo(StackTraces.CONTINUATION_KIND);
        assertThat(logLine(event).getStream()).isEqualTo("stderr");
    }

    @Test
    void aDockerLineWithoutLogTextIsASchemaViolation() {
        assertThatThrownBy(() -> BACKEND.parse("{\"log\":null,\"stream\":\"stdout\",\"time\":\"2026-11-21T16:58:02Z\"}", "docker"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessage("docker json-file record needs a string field 'log', found NULL");
    }

    @Test
    void aTruncatedDockerLineIsUnparseable() {
        assertThatThrownBy(() -> BACKEND.parse("{\"log\":\"server listening\\n\",\"stream\":\"std"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE))
                .hasMessageStartingWith("invalid JSON at line 1");
    }
}
