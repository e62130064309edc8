package dev.braid.normalize.functions;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.RawRecord;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Parsers;
import dev.braid.normalize.parse.SourceParser;
import dev.braid.normalize.parse.otlp.OtlpParsers;
import dev.braid.normalize.redact.Redactor;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;

import org.apache.avro.AvroRuntimeException;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns one raw record into its normalized events, or into one dead letter saying why it could not.
 * Never throws on bad input: oversized, non-UTF-8, unparseable and schema-violating records all
 * become dead letters. Secrets are redacted in both. Records are read as UTF-8 text, but for
 * those whose {@code braid.format} header names an OpenTelemetry format, which are read from their
 * bytes (OTLP's protobuf is binary).
 */
public final class RawRecordNormalizer implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The events of a record or its dead letter, with how many event times were clamped because
     * they ran ahead of the shipper's clock; neither for a blank line of a source other than backend
     * logs, which is layout, not telemetry; both for an OpenTelemetry export some of whose items
     * were invalid, the dead letter holding those alone.
     */
    public record Result(List<NormalizedEvent> events, DeadLetter deadLetter, int clamped) {

        static final Result BLANK = new Result(List.of(), null, 0);

        public boolean blank() {
            return this == BLANK;
        }
    }

    /**
     * The largest event published: Kafka's default largest record is 1 MiB (the producer's
     * max.request.size, the broker's message.max.bytes), and one larger event would fail the sink
     * and with it the job, again after every restart.
     */
    public static final int MAX_EVENT_BYTES = 960 * 1024;
    /**
     * A dead letter keeps at most this much of its raw value, and no more than the record limit:
     * enough to see what was wrong, small enough for any topic.
     */
    public static final int MAX_DEAD_LETTER_RAW_BYTES = 256 * 1024;
    /** A key is a stream's or a run's name; a longer one is cut in its dead letter, which must fit a record too. */
    private static final int MAX_DEAD_LETTER_KEY_BYTES = 16 * 1024;
    /** No parser copies its input's text more than a few times: an event of a smaller record cannot come near the limit. */
    private static final int SIZE_CHECKED_FROM_BYTES = 16 * 1024;

    private final long maxRecordBytes;
    private final Redactor redactor = new Redactor();
    private final EventClock clock;
    private transient Map<Source, SourceParser> parsers;

    /** @param maxTimeAhead how far an event's own time may run ahead of its record's Kafka timestamp */
    public RawRecordNormalizer(long maxRecordBytes, Duration maxTimeAhead) {
        this.maxRecordBytes = maxRecordBytes;
        this.clock = new EventClock(maxTimeAhead);
    }

    public Result normalize(RawRecord raw) {
        try {
            List<NormalizedEvent> events;
            String format = raw.headers.get(ParseInput.FORMAT_HEADER);
            if (OtlpParsers.reads(format)) {
                // Binary protobuf, read from the bytes: decoding it as text would reject it.
                OtlpParsers.Parsed parsed = OtlpParsers.parse(format, checkedValue(raw));
                events = events(raw, parsed.drafts());
                if (parsed.rejected() != null) {
                    OtlpParsers.Rejected rejected = parsed.rejected();
                    // Its id follows the events' ids, so the part published and the part rejected never share one.
                    DeadLetter deadLetter = deadLetterOf(raw, rejected.payload(), events.size(), rejected.reason(), rejected.detail());
                    return new Result(events, deadLetter, clamped(events));
                }
            } else {
                String text = decode(raw);
                if (text.isBlank() && raw.source != Source.BACKEND) {
                    return Result.BLANK;
                }
                events = events(raw, parse(raw, text));
            }
            return new Result(events, null, clamped(events));
        } catch (ParseException e) {
            return deadLetter(raw, e.reason(), e.getMessage());
        } catch (AvroRuntimeException e) {
            return deadLetter(raw, DeadLetterReason.SCHEMA_VIOLATION, "event misses a required field: " + e.getMessage());
        } catch (RuntimeException e) {
            // A parser bug on odd input must not fail the job: keep the record and say what broke.
            return deadLetter(raw, DeadLetterReason.UNPARSEABLE, "parser failed: " + e);
        } catch (StackOverflowError e) {
            // Recursion on input nested deeper than any parser expects ends here, not in the job's failure.
            return deadLetter(raw, DeadLetterReason.UNPARSEABLE, "parser ran out of stack: the record is nested too deep");
        }
    }

    private List<NormalizedEvent.Builder> parse(RawRecord raw, String text) throws ParseException {
        if (parsers == null) {
            parsers = Parsers.bySource();
        }
        return parsers.get(raw.source).parse(new ParseInput(text, raw.headers, raw.timestamp));
    }

    private List<NormalizedEvent> events(RawRecord raw, List<NormalizedEvent.Builder> drafts) throws ParseException {
        Instant ingestTime = Instant.now();
        List<NormalizedEvent> events = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            NormalizedEvent event = complete(drafts.get(i), raw, i, ingestTime);
            if (raw.value.length >= SIZE_CHECKED_FROM_BYTES) {
                requireFits(event);
            }
            events.add(event);
        }
        return events;
    }

    /** The value, unless it is missing or larger than the record limit. */
    private byte[] checkedValue(RawRecord raw) throws ParseException {
        if (raw.value == null) {
            throw ParseException.emptyRecord();
        }
        if (raw.value.length > maxRecordBytes) {
            throw ParseException.oversized(raw.value.length, maxRecordBytes);
        }
        return raw.value;
    }

    private String decode(RawRecord raw) throws ParseException {
        byte[] value = checkedValue(raw);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ParseException.notUtf8(e.getMessage());
        }
    }

    /** Fills what every event shares: id, source, times, ingest keys, provenance; then redacts. */
    private NormalizedEvent complete(NormalizedEvent.Builder draft, RawRecord raw, int index, Instant ingestTime) {
        draft.setId(EventIds.of(raw, index))
                .setSource(raw.source)
                .setIngestTime(ingestTime);
        boolean ownTime = draft.hasEventTime();
        if (!ownTime) {
            draft.setEventTime(Instant.ofEpochMilli(raw.timestamp)); // settled below
        }
        fillKeysFromHeaders(draft.getKeysBuilder(), raw.headers);
        Map<String, String> metadata = draft.getMetadata();
        metadata.put("raw.topic", raw.topic);
        metadata.put("raw.partition", Integer.toString(raw.partition));
        metadata.put("raw.offset", Long.toString(raw.offset));
        if (raw.key != null) {
            metadata.put("raw.key", new String(raw.key, StandardCharsets.UTF_8));
        }
        String partOffsets = raw.headers.get(RejoinDockerLines.PART_OFFSETS_HEADER);
        if (partOffsets != null) {
            metadata.put(MergeStackTraces.MERGED_OFFSETS, partOffsets);
        }
        NormalizedEvent event = draft.build();
        clock.settle(event, raw, ownTime);
        redactor.redactRecord(event);
        return event;
    }

    /** Keys the shipper stamped ({@code braid.repo}, ...) fill what the record itself did not say. */
    private static void fillKeysFromHeaders(CorrelationKeys.Builder keys, Map<String, String> headers) {
        if (keys.getTenant() == null) keys.setTenant(headers.get("braid.tenant"));
        if (keys.getSession() == null) keys.setSession(headers.get("braid.session"));
        if (keys.getService() == null) keys.setService(headers.get("braid.service"));
        if (keys.getRepo() == null) keys.setRepo(headers.get("braid.repo"));
        if (keys.getBranch() == null) keys.setBranch(headers.get("braid.branch"));
        if (keys.getCommit() == null) keys.setCommit(headers.get("braid.commit"));
        if (keys.getJobId() == null) keys.setJobId(headers.get("braid.job-id"));
        if (keys.getTaskId() == null) keys.setTaskId(headers.get("braid.task-id"));
    }

    private static void requireFits(NormalizedEvent event) throws ParseException {
        if (AvroSizes.atMost(event) > MAX_EVENT_BYTES) {
            int size = AvroRecords.encode(event).length;
            if (size > MAX_EVENT_BYTES) {
                throw ParseException.eventTooLarge(event.getKind(), size, MAX_EVENT_BYTES);
            }
        }
    }

    private static byte[] cut(byte[] bytes, int limit) {
        return bytes.length > limit ? Arrays.copyOf(bytes, limit) : bytes;
    }

    private static int clamped(List<NormalizedEvent> events) {
        return (int) events.stream().filter(EventClock::clamped).count();
    }

    private Result deadLetter(RawRecord raw, DeadLetterReason reason, String detail) {
        return new Result(List.of(), deadLetterOf(raw, raw.value == null ? new byte[0] : raw.value, 0, reason, detail), 0);
    }

    /**
     * A dead letter of the record, holding {@code rawValue}: its value, or the part of it that was
     * rejected; its id is the record's {@code index}th, as events' ids are.
     */
    private DeadLetter deadLetterOf(RawRecord raw, byte[] rawValue, int index, DeadLetterReason reason, String detail) {
        // Redact before cutting: a cut through a secret could leave a piece too short to recognise.
        String format = raw.headers.get(ParseInput.FORMAT_HEADER);
        byte[] value = OtlpParsers.reads(format) ? OtlpParsers.redact(format, rawValue, redactor) : redactor.redact(rawValue);
        int keep = (int) Math.min(maxRecordBytes, MAX_DEAD_LETTER_RAW_BYTES);
        boolean truncated = value.length > keep;
        if (truncated) {
            value = Arrays.copyOf(value, keep);
        }
        return DeadLetter.newBuilder()
                .setId(EventIds.of(raw, index))
                .setReason(reason)
                .setDetail(redactor.redact(detail))
                .setSourceTopic(raw.topic)
                .setPartition(raw.partition)
                .setOffset(raw.offset)
                .setKafkaTimestamp(Instant.ofEpochMilli(raw.timestamp))
                .setTime(Instant.now())
                .setRawKey(raw.key == null ? null : ByteBuffer.wrap(cut(redactor.redact(raw.key), MAX_DEAD_LETTER_KEY_BYTES)))
                .setRawValue(ByteBuffer.wrap(value))
                .setTruncated(truncated)
                .build();
    }
}
