package dev.braid.normalize.functions;

import dev.braid.connectors.RawRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Rejoins the entries Docker's json-file driver cuts a long line into: every entry but the last
 * of a line longer than 16 KiB has a {@code log} without its trailing newline. The parts become
 * one raw record again, the first part's with the whole line, before any parser sees them, so the
 * line is parsed in its own format. Keyed by producer stream; stdout and stderr parts, which
 * interleave in one file, are joined apart.
 *
 * <p>A line whose last part never comes (the container died mid-line) is released as it is, like
 * {@link MergeStackTraces} releases a held line: when the watermark passes the time its latest
 * part was shipped, or after {@code maxHold} of wall time. A line that grows past
 * {@code maxBytes} is released at once and its next parts start anew, so state stays bounded; the
 * parser then dead-letters it as oversized. This is an operator rather than a process function
 * because a line released by wall time must keep its record's time for the operators after it.
 */
public final class RejoinDockerLines extends AbstractStreamOperator<RawRecord>
        implements OneInputStreamOperator<RawRecord, RawRecord>, Triggerable<String, VoidNamespace> {

    private static final long serialVersionUID = 1L;

    /** Offsets of the later parts of a rejoined line, comma-separated; the record keeps the first's. */
    public static final String PART_OFFSETS_HEADER = "braid.docker.part-offsets";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOG = "log";
    private static final byte[] LOG_FIELD = "\"log\"".getBytes(StandardCharsets.US_ASCII);

    /** The parts of one line seen so far. A Flink POJO. */
    public static class HeldLine {
        /** The first part, whose value is replaced by the whole line when it is released. */
        public RawRecord first;
        public String text;
        public List<Long> laterOffsets = new ArrayList<>();
        /** The latest part's Kafka timestamp: the released record's time. */
        public long shippedAt;
        public long releaseAt;

        public HeldLine() {}
    }

    private final Duration maxHold;
    private final long maxBytes;
    private transient MapState<String, HeldLine> held;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient Counter partsRejoined;

    public RejoinDockerLines(Duration maxHold, long maxBytes) {
        this.maxHold = maxHold;
        this.maxBytes = maxBytes;
    }

    @Override
    public void open() throws Exception {
        super.open();
        held = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "held-docker-lines", Types.STRING, TypeInformation.of(HeldLine.class)));
        timers = getInternalTimerService("docker-line-release", VoidNamespaceSerializer.INSTANCE, this);
        partsRejoined = getMetricGroup().counter("dockerPartsRejoined");
    }

    @Override
    public void processElement(StreamRecord<RawRecord> element) throws Exception {
        RawRecord raw = element.getValue();
        ObjectNode entry = dockerEntry(raw);
        if (entry == null) {
            output.collect(element);
            return;
        }
        String stream = entry.path("stream").asText("");
        String part = entry.path(LOG).asText();
        HeldLine line = held.get(stream);
        if (line == null && part.endsWith("\n")) {
            output.collect(element);
            return;
        }
        if (line == null) {
            line = new HeldLine();
            line.first = raw;
            line.text = part;
        } else {
            held.remove(stream);
            deleteTimers(line);
            line.text += part;
            line.laterOffsets.add(raw.offset);
            partsRejoined.inc();
        }
        line.shippedAt = raw.timestamp;
        if (part.endsWith("\n") || line.text.length() > maxBytes) {
            release(line);
            return;
        }
        line.releaseAt = timers.currentProcessingTime() + maxHold.toMillis();
        held.put(stream, line);
        timers.registerEventTimeTimer(VoidNamespace.INSTANCE, line.shippedAt);
        timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, line.releaseAt);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        releaseDue(line -> line.shippedAt <= timer.getTimestamp());
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        releaseDue(line -> line.releaseAt <= timer.getTimestamp());
    }

    private void releaseDue(Predicate<HeldLine> due) throws Exception {
        Map<String, HeldLine> released = new HashMap<>();
        for (Map.Entry<String, HeldLine> entry : held.entries()) {
            if (due.test(entry.getValue())) {
                release(entry.getValue());
                released.put(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<String, HeldLine> line : released.entrySet()) {
            held.remove(line.getKey());
            deleteTimers(line.getValue());
        }
    }

    /**
     * Drops the timers of a line no longer held, or held until later, so that no stale timer
     * outlives it; a timer another held line of the stream is due at stays.
     */
    private void deleteTimers(HeldLine line) throws Exception {
        boolean eventTimeShared = false;
        boolean wallTimeShared = false;
        for (HeldLine other : held.values()) {
            eventTimeShared |= other.shippedAt == line.shippedAt;
            wallTimeShared |= other.releaseAt == line.releaseAt;
        }
        if (!eventTimeShared) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, line.shippedAt);
        }
        if (!wallTimeShared) {
            timers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, line.releaseAt);
        }
    }

    /** The first part's record, carrying the whole line and the later parts' offsets, at the latest part's time. */
    private void release(HeldLine line) throws IOException {
        RawRecord first = line.first;
        ObjectNode entry = (ObjectNode) JSON.readTree(first.value);
        entry.put(LOG, line.text);
        Map<String, String> headers = new HashMap<>(first.headers);
        if (!line.laterOffsets.isEmpty()) {
            headers.put(PART_OFFSETS_HEADER, joined(line.laterOffsets));
        }
        RawRecord whole = new RawRecord(first.source, first.topic, first.partition, first.offset, line.shippedAt,
                first.key, JSON.writeValueAsBytes(entry), headers);
        output.collect(new StreamRecord<>(whole, line.shippedAt));
    }

    /** The record as a json-file entry, or null when it is none: Docker always writes {@code log} first. */
    private static ObjectNode dockerEntry(RawRecord raw) {
        if (raw.value == null || !startsWithLogField(raw.value)) {
            return null;
        }
        try {
            JsonNode entry = JSON.readTree(raw.value);
            return entry instanceof ObjectNode object && object.path(LOG).isTextual() ? object : null;
        } catch (IOException e) {
            return null; // the parser dead-letters it
        }
    }

    private static boolean startsWithLogField(byte[] value) {
        int i = 0;
        while (i < value.length && Character.isWhitespace(value[i])) {
            i++;
        }
        if (i >= value.length || value[i] != '{') {
            return false;
        }
        i++;
        while (i < value.length && Character.isWhitespace(value[i])) {
            i++;
        }
        if (value.length - i < LOG_FIELD.length) {
            return false;
        }
        for (int j = 0; j < LOG_FIELD.length; j++) {
            if (value[i + j] != LOG_FIELD[j]) {
                return false;
            }
        }
        return true;
    }

    private static String joined(List<Long> offsets) {
        StringBuilder text = new StringBuilder();
        for (long offset : offsets) {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(offset);
        }
        return text.toString();
    }
}
