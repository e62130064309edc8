package dev.braid.normalize.parse.backend;

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

class PinoParserTest {

    private static final SourceRecords BACKEND = SourceRecords.of(BackendParsers.all(), "backend");

    @Test
    void everyPinoLineIsReadWithItsNumericLevelAndEpochMillisTime() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("pino.log");

        assertThat(events).hasSize(10).allSatisfy(event -> {
            assertThat(format(event)).isEqualTo("pino");
            assertThat(event.getKind()).isEqualTo("log");
            assertThat(logLine(event).getFormat()).isEqualTo("pino");
            assertThat(event.getMetadata()).containsEntry("pid", "6117").containsEntry("hostname", "vm");
        });
        assertThat(events).extracting(NormalizedEvent.Builder::getLevel, NormalizedEvent.Builder::getMessage).containsExactly(
                tuple(Level.INFO, "service starting"),
                tuple(Level.INFO, "listening on port 8080"),
                tuple(Level.WARN, "queue nearly full"),
                tuple(Level.ERROR, "startup failed"),
                tuple(Level.ERROR, "Cannot read properties of undefined (reading 'id')"),
                tuple(Level.INFO, "user loaded"),
                tuple(Level.WARN, "payment provider slow"),
                tuple(Level.FATAL, "fatal: out of file descriptors"),
                tuple(Level.INFO, "request completed"),
                tuple(Level.INFO, "request errored"));
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:57:11.658Z"));
        assertThat(events.get(8).getEventTime()).isEqualTo(time("2026-11-21T16:57:11.671Z"));
        assertThat(events.get(1).getMetadata()).containsEntry("port", "8080").containsEntry("env", "staging");
    }

    @Test
    void errSerializerGivesTheStackTraceAndErrorFields() throws ParseException {
        NormalizedEvent.Builder failed = BACKEND.eachLine("pino.log").get(3);

        assertThat(logLine(failed).getStackTrace())
                .startsWith("Error: failed to load config\n    at loadConfig (/tmp/fixtures-work/nodelogs/pino-demo.js:16:17)")
                .contains("caused by: SyntaxError");
        assertThat(failed.getMetadata())
                .containsEntry("err.type", "Error")
                .containsEntry("err.code", "ECONFIG")
                .doesNotContainKey("err.stack");
    }

    @Test
    void traceIdsComeFromChildBindingsAndFromTheRequestTraceparent() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("pino.log");

        assertThat(events.get(5).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events.get(5).getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(events.get(6).getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(events.get(8).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events.get(8).getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(events.get(0).getTraceId()).isNull();
    }

    @Test
    void pinoHttpRequestAndResponseBecomeDottedMetadata() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("pino.log");

        assertThat(events.get(8).getMetadata())
                .containsEntry("req.method", "GET")
                .containsEntry("req.url", "/api/users/42?expand=roles")
                .containsEntry("res.statusCode", "200")
                .containsEntry("responseTime", "1");
        assertThat(events.get(8).getMetadata().get("req.headers")).contains("\"user-agent\":\"braid-fixture/1.0\"");
        assertThat(events.get(9).getMetadata()).containsEntry("res.statusCode", "500").containsEntry("req.url", "/api/fail");
        assertThat(logLine(events.get(9)).getStackTrace()).startsWith("Error: failed with status code 500");
    }

    @Test
    void aLineCutOffMidObjectIsUnparseable() {
        assertThatThrownBy(() -> BACKEND.parse("{\"level\":30,"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE))
                .hasMessageContaining("invalid JSON");
    }

    @Test
    void aPinoRecordWithATextLevelIsASchemaViolation() {
        assertThatThrownBy(() -> BACKEND.parse("{\"level\":\"info\",\"time\":1795280231658,\"msg\":\"x\"}", "pino"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessageContaining("numeric 'level'");
    }
}
