package dev.braid.normalize.parse.otlp;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.redact.Redactor;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.NormalizedEvent;

import java.util.List;

/**
 * OpenTelemetry's spans and logs as the Collector's Kafka exporter writes them (to its default
 * topics {@code otlp_spans} and {@code otlp_logs}): one TracesData or LogsData per record, in
 * protobuf or OTLP/JSON. Unlike the text formats they are read from the record's bytes, since
 * protobuf is binary; the {@code braid.format} header names which of the two a record holds.
 */
public final class OtlpParsers {

    /** The {@code braid.format} of a record holding a TracesData. */
    public static final String SPANS = "otlp_spans";
    /** The {@code braid.format} of a record holding a LogsData. */
    public static final String LOGS = "otlp_logs";

    private OtlpParsers() {}

    /** Whether the format is one of OpenTelemetry's, read from bytes by {@link #parse}. */
    public static boolean reads(String format) {
        return SPANS.equals(format) || LOGS.equals(format);
    }

    /**
     * The drafts of a record, and its items that were invalid on their own while others were not;
     * null when none was.
     */
    public record Parsed(List<NormalizedEvent.Builder> drafts, Rejected rejected) {}

    /** Invalid items of a record, re-encoded alone as a protobuf message of its signal, and why they are. */
    public record Rejected(byte[] payload, DeadLetterReason reason, String detail) {}

    /**
     * One draft per valid span or log record, tagged with the format like every other parser's
     * drafts, and the invalid ones set apart; throws when the record is not valid OTLP of that
     * signal, holds none, or none of its items is valid.
     */
    public static Parsed parse(String format, byte[] payload) throws ParseException {
        Parsed parsed = switch (format) {
            case SPANS -> OtlpSpanParser.parse(payload);
            case LOGS -> OtlpLogParser.parse(payload);
            default -> throw new IllegalArgumentException("not an OpenTelemetry format: " + format);
        };
        parsed.drafts().forEach(draft -> draft.getTags().add(tag(format)));
        return parsed;
    }

    /**
     * A record of the format, or the part of it rejected, with its secrets masked for a dead letter:
     * attribute by attribute when it is OTLP, so protobuf stays readable; as text when it is not.
     */
    public static byte[] redact(String format, byte[] payload, Redactor redactor) {
        return OtlpRedaction.redact(format, payload, redactor);
    }

    /**
     * Whether an event came from an OpenTelemetry record, by the format tag {@link #parse} gives it:
     * such a record is whole, so its events continue no earlier line.
     */
    public static boolean produced(NormalizedEvent event) {
        return event.getTags().contains(tag(SPANS)) || event.getTags().contains(tag(LOGS));
    }

    private static String tag(String format) {
        return "format:" + format;
    }
}
