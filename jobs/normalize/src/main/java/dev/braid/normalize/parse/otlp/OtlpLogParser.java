package dev.braid.normalize.parse.otlp;

import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.Levels;
import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.Level;
import dev.braid.schema.LogLine;
import dev.braid.schema.NormalizedEvent;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;

import java.util.List;
import java.util.Set;

/**
 * OTLP logs: every log record of a LogsData becomes one {@code log} event with a {@link LogLine}
 * of format {@value #FORMAT}: the body is its message, the scope its logger, and the semantic
 * conventions' {@code thread.name} and {@code exception.stacktrace} its thread and stack trace.
 */
final class OtlpLogParser {

    static final String KIND = "log";
    static final String FORMAT = "otlp";

    static final String THREAD = "thread.name";
    static final String STACK_TRACE = "exception.stacktrace";

    /** OTLP's severity numbers 1 to 24 in ranges of four: TRACE to TRACE4, DEBUG to DEBUG4, ... FATAL to FATAL4. */
    private static final Level[] BY_SEVERITY_RANGE = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR, Level.FATAL};
    private static final int SEVERITIES_PER_LEVEL = 4;

    private OtlpLogParser() {}

    static OtlpParsers.Parsed parse(byte[] payload) throws ParseException {
        LogsData logs = OtlpPayloads.logs(payload);
        ExportDrafts drafts = new ExportDrafts("log records");
        LogsData.Builder rejected = LogsData.newBuilder();
        Repetition repetition = new Repetition();
        for (ResourceLogs resourceLogs : logs.getResourceLogsList()) {
            for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
                Origin origin = new Origin(resourceLogs.getResource(), scopeLogs.getScope());
                ScopeLogs.Builder invalid = scopeLogs.toBuilder().clearLogRecords();
                drafts.draftEach(scopeLogs.getLogRecordsList(), log -> draft(log, origin, repetition), invalid::addLogRecords);
                if (invalid.getLogRecordsCount() > 0) {
                    rejected.addResourceLogs(resourceLogs.toBuilder().clearScopeLogs().addScopeLogs(invalid));
                }
            }
        }
        return drafts.parsed(() -> rejected.build().toByteArray(), "OTLP logs record holds no log record");
    }

    private static NormalizedEvent.Builder draft(LogRecord log, Origin origin, Repetition repetition) throws ParseException {
        List<KeyValue> attributes = log.getAttributesList();
        NormalizedEvent.Builder draft = Drafts.draft(KIND, level(log), message(log))
                .setTraceId(OtlpIds.optional(log.getTraceId(), OtlpIds.TRACE_ID_BYTES, "log record trace id"))
                .setSpanId(OtlpIds.optional(log.getSpanId(), OtlpIds.SPAN_ID_BYTES, "log record span id"))
                .setPayload(LogLine.newBuilder()
                        .setFormat(FORMAT)
                        .setLogger(origin.scopeName())
                        .setThread(OtlpValues.attribute(attributes, THREAD))
                        .setStackTrace(OtlpValues.attribute(attributes, STACK_TRACE))
                        .build());
        long time = UnixNanos.millis(log.getTimeUnixNano());
        Drafts.time(draft, time != Drafts.NO_TIME ? time : UnixNanos.millis(log.getObservedTimeUnixNano()));
        origin.describe(draft, attributes, Set.of(THREAD, STACK_TRACE), repetition);
        Drafts.meta(draft, "log.severity_text", log.getSeverityText());
        Drafts.meta(draft, "log.severity_number", log.getSeverityNumberValue() == 0 ? null : log.getSeverityNumberValue());
        Drafts.meta(draft, "log.event_name", log.getEventName());
        return draft;
    }

    /** By severity number; else by severity text as any logging library names levels; else INFO. */
    private static Level level(LogRecord log) {
        int severity = log.getSeverityNumberValue();
        if (severity >= 1 && severity <= BY_SEVERITY_RANGE.length * SEVERITIES_PER_LEVEL) {
            return BY_SEVERITY_RANGE[(severity - 1) / SEVERITIES_PER_LEVEL];
        }
        Level named = Levels.parse(log.getSeverityText());
        return named != null ? named : Level.INFO;
    }

    /** The body; an event without one (an OpenTelemetry event) by its name. */
    private static String message(LogRecord log) {
        String body = OtlpValues.text(log.getBody());
        return body.isEmpty() ? log.getEventName() : body;
    }
}
