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

/** Go's standard log and log/slog's TextHandler. */
class GoTextLogParsersTest {

    private static final SourceRecords BACKEND = SourceRecords.of(BackendParsers.all(), "backend");

    @Test
    void stdLogLinesTakeTheirLevelFromTheMessage() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLineParsedAs("go-log.log", "go-log");

        assertThat(events).extracting(NormalizedEvent.Builder::getLevel, NormalizedEvent.Builder::getMessage).containsExactly(
                tuple(Level.INFO, "server starting"),
                tuple(Level.INFO, "listening on 127.0.0.1:8080"),
                tuple(Level.INFO, "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 GET /api/orders/42 status=200 dur=12.3ms"),
                tuple(Level.WARN, "warning: config value cache.ttl missing, using default 60s"),
                tuple(Level.ERROR, "error: failed to connect to database: dial tcp 10.0.0.5:5432: connect: connection refused"),
                tuple(Level.ERROR, "http: panic serving 127.0.0.1:49728: assignment to entry in nil map"),
                tuple(Level.INFO, "job 17 finished in 530ms"),
                tuple(Level.FATAL, "fatal: unable to open /var/data/state.db: permission denied"));
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:57:51Z"));
        assertThat(events.get(2).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events.get(2).getSpanId()).isEqualTo("00f067aa0ba902b7");
        NormalizedEvent.Builder worker = events.get(6);
        assertThat(worker.getEventTime()).isEqualTo(time("2026-11-21T16:57:51.764Z"));
        assertThat(logLine(worker).getLogger()).isEqualTo("worker");
        assertThat(worker.getMetadata()).containsEntry("caller", "main.go:35");
    }

    @Test
    void aPanicRecordMergesItsGoroutineDump() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one(BACKEND.record("go-log.log", "http: panic serving", line -> line.matches("^(\\[\\w+\\] )?\\d{4}/.*")));

        assertThat(format(event)).isEqualTo("go-log");
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(logLine(event).getStackTrace())
                .startsWith("goroutine 22 [running]:\nnet/http.(*conn).serve.func1()")
                .endsWith("created by net/http.(*Server).Serve\n\t/usr/lib/go-1.19/src/net/http/server.go:3102 +0x4db");
    }

    @Test
    void goroutineHeaderAndFileLinesShippedAloneAreContinuations() throws ParseException {
        assertThat(BACKEND.one("goroutine 22 [running]:").getKind()).isEqualTo(StackTraces.CONTINUATION_KIND);
        assertThat(BACKEND.one("\t/usr/lib/go-1.19/src/net/http/server.go:1850 +0xbf").getKind()).isEqualTo(StackTraces.CONTINUATION_KIND);
    }

    @Test
    void slogTextLinesUnquoteValuesAndKeepDottedGroups() throws ParseException {
        List<NormalizedEvent.Builder> events = BACKEND.eachLine("go-slog-text.log");

        assertThat(events).allSatisfy(event -> assertThat(format(event)).isEqualTo("slog-text"));
        assertThat(events).extracting(NormalizedEvent.Builder::getLevel, NormalizedEvent.Builder::getMessage).containsExactly(
                tuple(Level.INFO, "server starting"),
                tuple(Level.DEBUG, "cache warmed"),
                tuple(Level.WARN, "slow query"),
                tuple(Level.INFO, "request handled"),
                tuple(Level.ERROR, "payment failed"),
                tuple(Level.INFO, "message with \"quotes\" and\nnewline"),
                tuple(Level.ERROR, "shutting down"));
        assertThat(events.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:57:48.806Z"));
        assertThat(events.get(3).getMetadata())
                .containsEntry("http.method", "GET")
                .containsEntry("http.status", "200")
                .containsEntry("user", "u-123");
        assertThat(events.get(3).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(events.get(4).getMetadata()).containsEntry("error", "charge card for order ord_790: connection refused");
        assertThat(events.get(5).getMetadata()).containsEntry("path", "/tmp/a b");
    }

    @Test
    void logrusTextWithQuotedTimeIsReadLikeSlogText() throws ParseException {
        NormalizedEvent.Builder event = BACKEND.one("time=\"2026-11-21T16:57:48Z\" level=warning msg=\"retrying\" service=orders");

        assertThat(format(event)).isEqualTo("slog-text");
        assertThat(event.getLevel()).isEqualTo(Level.WARN);
        assertThat(event.getEventTime()).isEqualTo(time("2026-11-21T16:57:48Z"));
        assertThat(event.getKeysBuilder().getService()).isEqualTo("orders");
    }

    @Test
    void slogTextWithAnUnclosedQuoteIsUnparseable() {
        assertThatThrownBy(() -> BACKEND.parse("time=2026-11-21T16:57:48.806Z level=INFO msg=\"server starting"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE))
                .hasMessage("slog-text value of key 'msg' opens a quote at column 46 that is never closed");
    }

    @Test
    void aLineNamedGoLogWithoutADateIsUnparseable() {
        assertThatThrownBy(() -> BACKEND.parse("listening on :8080", "go-log"))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE))
                .hasMessageContaining("'yyyy/MM/dd HH:mm:ss'");
    }
}
