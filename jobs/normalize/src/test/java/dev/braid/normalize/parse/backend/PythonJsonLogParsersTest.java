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

/** structlog's JSONRenderer and the generic JSON fallback. */
class PythonJsonLogParsersTest {

    private static final SourceRecords BACKEND = SourceRecords.of(BackendParsers.all(), "backend");

    @Test
    void structlogJsonLinesUseEventAsMessageAndCarryTheException() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("structlog-json.log");

        assertThat(events).allSatisfy(event -> assertThat(format(event)).isEqualTo("structlog-json"));
        assertThat(events).extracting(NormalizedEvent.Builder::getLevel, NormalizedEvent.Builder::getMessage).containsExactly(
                tuple(Level.INFO, "service started"),
                tuple(Level.DEBUG, "cache warmup"),
                tuple(Level.WARN, "slow query"),
                tuple(Level.INFO, "request handled"),
                tuple(Level.ERROR, "upstream returned error"),
                tuple(Level.ERROR, "failed to process order"),
                tuple(Level.FATAL, "shutting down"));
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:57:18.224Z"));
        assertThat(events.get(0).getMetadata()).containsEntry("port", "8000").containsEntry("env", "staging");
        NormalizedEvent.Builder failed = events.get(5);
        assertThat(failed.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(failed.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(failed.getMetadata()).containsEntry("order_id", "ord_790").doesNotContainKey("exception");
        assertThat(logLine(failed).getStackTrace())
                .startsWith("Traceback (most recent call last):\n  File \"/tmp/fixtures-work/pylogs/structlog_demo.py\", line 38")
                .endsWith("KeyError: 'missing'");
    }

    @Test
    void genericJsonFindsMessageLevelTimeLoggerThreadAndStackUnderTheirUsualNames() throws ParseException {
        // logstash-logback-encoder's field names
        NormalizedEvent.Builder event = BACKEND.one("{\"@timestamp\":\"2026-11-21T16:58:24.263+01:00\",\"@version\":\"1\","
                + "\"message\":\"Unhandled exception\",\"logger_name\":\"com.example.orders.OrderService\","
                + "\"thread_name\":\"http-nio-8080-exec-1\",\"level\":\"ERROR\",\"level_value\":40000,"
                + "\"stack_trace\":\"java.lang.RuntimeException: boom\\n\\tat com.example.Foo.bar(Foo.java:1)\","
                + "\"service\":{\"name\":\"orders\"},\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}");

        assertThat(format(event)).isEqualTo("json");
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getMessage()).isEqualTo("Unhandled exception");
        assertThat(event.getEventTime()).isEqualTo(time("2026-11-21T15:58:24.263Z"));
        assertThat(event.getKeysBuilder().getService()).isEqualTo("orders");
        assertThat(event.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(logLine(event).getLogger()).isEqualTo("com.example.orders.OrderService");
        assertThat(logLine(event).getThread()).isEqualTo("http-nio-8080-exec-1");
        assertThat(logLine(event).getStackTrace()).startsWith("java.lang.RuntimeException: boom\n\tat ");
        assertThat(event.getMetadata()).containsEntry("level_value", "40000").containsEntry("@version", "1")
                .doesNotContainKeys("message", "stack_trace", "traceparent");
    }

    @Test
    void genericJsonWithoutALevelButWithAStackIsAnError() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("{\"msg\":\"request failed\",\"ts\":1795280273.5,"
                + "\"err\":{\"message\":\"boom\",\"stack\":\"Error: boom\\n    at handler (app.js:6:28)\"}}");

        assertThat(format(event)).isEqualTo("json");
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getEventTime()).isEqualTo(time("2026-11-21T16:57:53.500Z"));
        assertThat(logLine(event).getStackTrace()).isEqualTo("Error: boom\n    at handler (app.js:6:28)");
    }

    @Test
    void jsonObjectWithoutAMessageFieldIsASchemaViolation() {
        assertThatThrownBy(() -> BACKEND.parse("{\"level\":\"info\",\"user\":\"u-1\"}"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessage("JSON log record has none of the message fields msg, message, event, log as a string or number;"
                        + " fields present: level, user");
    }
}
