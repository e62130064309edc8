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

/** zap and log/slog's JSONHandler. */
class GoJsonLogParsersTest {

    private static final SourceRecords BACKEND = SourceRecords.of(BackendParsers.all(), "backend");

    @Test
    void zapLinesCarryLevelEpochSecondsCallerAndStacktrace() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("zap.log");

        assertThat(events).allSatisfy(event -> assertThat(format(event)).isEqualTo("zap"));
        assertThat(events).extracting(NormalizedEvent.Builder::getLevel, NormalizedEvent.Builder::getMessage).containsExactly(
                tuple(Level.INFO, "server starting"),
                tuple(Level.WARN, "slow query"),
                tuple(Level.INFO, "request handled"),
                tuple(Level.ERROR, "payment failed"),
                tuple(Level.INFO, "cache stats"),
                tuple(Level.WARN, "retrying in 5s"));
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:57:53.632Z"));
        assertThat(events.get(0).getMetadata())
                .containsEntry("caller", "zapdemo/main.go:19")
                .containsEntry("addr", "127.0.0.1:8080");
        NormalizedEvent.Builder failed = events.get(3);
        assertThat(failed.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(failed.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(failed.getMetadata())
                .containsEntry("error", "charge card for order ord_790: connection refused")
                .containsEntry("attempt", "3")
                .doesNotContainKeys("stacktrace", "trace_id");
        assertThat(logLine(failed).getStackTrace()).isEqualTo(
                "main.main\n\t/tmp/fixtures-work/gopath/src/zapdemo/main.go:25\nruntime.main\n\t/usr/lib/go-1.19/src/runtime/proc.go:250");
    }

    @Test
    void zapDevelopmentEncoderIsoTimeAndNamedLoggerAreRead() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one(
                "{\"level\":\"dpanic\",\"ts\":\"2026-11-21T16:57:53.631Z\",\"logger\":\"billing\",\"msg\":\"impossible state\"}");

        assertThat(format(event)).isEqualTo("zap");
        assertThat(event.getLevel()).isEqualTo(Level.FATAL);
        assertThat(event.getEventTime()).isEqualTo(time("2026-11-21T16:57:53.631Z"));
        assertThat(logLine(event).getLogger()).isEqualTo("billing");
    }

    @Test
    void zapRecordWithoutMsgIsASchemaViolation() {
        assertThatThrownBy(() -> BACKEND.parse("{\"level\":\"info\",\"ts\":1795280273.63}"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessage("zap record lacks required field 'msg'");
    }

    @Test
    void slogJsonLinesCarryNanosecondTimeLevelsGroupsAndTraceIds() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("go-slog-json.log");

        assertThat(events).allSatisfy(event -> assertThat(format(event)).isEqualTo("slog-json"));
        assertThat(events).extracting(NormalizedEvent.Builder::getLevel, NormalizedEvent.Builder::getMessage).containsExactly(
                tuple(Level.INFO, "server starting"),
                tuple(Level.DEBUG, "cache warmed"),
                tuple(Level.WARN, "slow query"),
                tuple(Level.INFO, "request handled"),
                tuple(Level.ERROR, "payment failed"),
                tuple(Level.INFO, "message with \"quotes\" and\nnewline"),
                tuple(Level.ERROR, "shutting down"));
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:57:48.490Z"));
        NormalizedEvent.Builder handled = events.get(3);
        assertThat(handled.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(handled.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(handled.getMetadata())
                .containsEntry("http", "{\"method\":\"GET\",\"path\":\"/api/orders/42\",\"status\":200}")
                .containsEntry("user", "u-123");
        assertThat(events.get(6).getMetadata()).containsEntry("reason", "SIGTERM");
    }

    @Test
    void slogLevelOffsetsKeepTheirBaseLevel() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one(
                "{\"time\":\"2026-11-21T16:57:48.49Z\",\"level\":\"WARN+2\",\"msg\":\"disk filling\",\"service\":\"orders\"}");

        assertThat(format(event)).isEqualTo("slog-json");
        assertThat(event.getLevel()).isEqualTo(Level.WARN);
        assertThat(event.getKeysBuilder().getService()).isEqualTo("orders");
    }
}
