package dev.braid.normalize.functions;

import dev.braid.normalize.parse.Levels;
import dev.braid.normalize.parse.StackTraces;
import dev.braid.normalize.parse.StackTraces.Continuation;
import dev.braid.schema.Level;
import dev.braid.schema.LogLine;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.time.Duration;

/**
 * Merges the lines of a multi-line stack trace, shipped one record per line, into the log event
 * they belong to. Keyed by producer stream (topic, partition, key), so lines meet in the order
 * they were written. Each log line is held until the next line of its stream starts a new event,
 * until the watermark passes the time it was shipped (its record's timestamp: another source's
 * clock cannot make it late), or at most {@code maxHold} of processing time, so the last line
 * before a quiet period is not held back; at most one event per stream is ever held.
 *
 * <p>A blank line is kept only where more of the held record follows it, as between the parts of
 * a chained traceback; any other is layout, dropped and counted in {@value #BLANK_LINES}.
 */
public final class MergeStackTraces extends KeyedProcessFunction<String, NormalizedEvent, NormalizedEvent> {

    private static final long serialVersionUID = 1L;

    /** Offsets of the raw records merged into an event, comma-separated, in order. */
    public static final String MERGED_OFFSETS = "raw.merged-offsets";

    /**
     * The most a merged event holds of message, stack and merged offsets, in chars. Beyond it the
     * held event goes out and later lines are events of their own: an endless stream of frames
     * must not grow one state entry, or one event past what a Kafka record may hold.
     */
    static final int MAX_MERGED_CHARS = 256 * 1024;

    /** Metric: blank lines that sat inside no multi-line record. */
    public static final String BLANK_LINES = "blankLines";

    private static final String RAW_OFFSET = "raw.offset";

    private final Duration maxHold;
    private transient ValueState<NormalizedEvent> pending;
    private transient ValueState<Long> flushAt;
    // The held line's record timestamp, which its event-time timer is set at.
    private transient ValueState<Long> shippedAt;
    // Offsets of blank lines after the held event, which join it only if more of it follows.
    private transient ValueState<String> blankOffsets;
    private transient Counter blankLines;

    public MergeStackTraces(Duration maxHold) {
        this.maxHold = maxHold;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getState(
                new ValueStateDescriptor<>("pending-log-line", new AvroTypeInfo<>(NormalizedEvent.class)));
        flushAt = getRuntimeContext().getState(new ValueStateDescriptor<>("flush-at", Types.LONG));
        shippedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("shipped-at", Types.LONG));
        blankOffsets = getRuntimeContext().getState(new ValueStateDescriptor<>("blank-offsets", Types.STRING));
        blankLines = getRuntimeContext().getMetricGroup().counter(BLANK_LINES);
    }

    @Override
    public void processElement(NormalizedEvent event, Context ctx, Collector<NormalizedEvent> out) throws Exception {
        NormalizedEvent held = pending.value();
        if (isBlank(event)) {
            if (held != null && !fits(held, blankOffsets.value(), event)) {
                flush(ctx, out);
                held = null;
            }
            holdBlank(held, event);
            return;
        }
        if (held != null && continues(held, event) && fits(held, blankOffsets.value(), event)) {
            pending.update(appendStack(held, blankOffsets.value(), event));
            blankOffsets.clear();
            return;
        }
        flush(ctx, out);
        if (StackTraces.CONTINUATION_KIND.equals(event.getKind())) {
            // Its first line is gone (before a restart of the shipper, say): keep the frames as a log event.
            out.collect(orphan(event));
            return;
        }
        long deadline = ctx.timerService().currentProcessingTime() + maxHold.toMillis();
        pending.update(event);
        flushAt.update(deadline);
        shippedAt.update(ctx.timestamp());
        ctx.timerService().registerEventTimeTimer(ctx.timestamp());
        ctx.timerService().registerProcessingTimeTimer(deadline);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<NormalizedEvent> out) throws Exception {
        NormalizedEvent held = pending.value();
        boolean due = held != null && (ctx.timeDomain() == TimeDomain.EVENT_TIME
                ? eventTimer(held) == timestamp
                : flushAt.value() == timestamp);
        if (due) {
            flush(ctx, out);
        }
    }

    private void holdBlank(NormalizedEvent held, NormalizedEvent blank) throws IOException {
        if (held == null) {
            blankLines.inc();
            return;
        }
        String offset = blank.getMetadata().get(RAW_OFFSET);
        String before = blankOffsets.value();
        blankOffsets.update(before == null ? offset : before + "," + offset);
    }

    /** Emits the held event, if any, drops the blank lines after it and deletes both of its timers. */
    private void flush(Context ctx, Collector<NormalizedEvent> out) throws Exception {
        NormalizedEvent held = pending.value();
        if (held != null) {
            out.collect(held);
            ctx.timerService().deleteEventTimeTimer(eventTimer(held));
            ctx.timerService().deleteProcessingTimeTimer(flushAt.value());
            String blanks = blankOffsets.value();
            if (blanks != null) {
                blankLines.inc(blanks.split(",").length);
            }
            pending.clear();
            flushAt.clear();
            shippedAt.clear();
            blankOffsets.clear();
        }
    }

    /** When the held line's event-time timer is set: a line held by release 0.1.0 has it at its event time. */
    private long eventTimer(NormalizedEvent held) throws Exception {
        Long shipped = shippedAt.value();
        return shipped != null ? shipped : held.getEventTime().toEpochMilli();
    }

    /**
     * Frames always continue. An exception summary line ({@code java.lang.IllegalStateException: x},
     * {@code ValueError: x}) continues an open traceback, or the warning or error it follows, as
     * Java loggers print the exception right under the message.
     */
    private static boolean continues(NormalizedEvent held, NormalizedEvent next) {
        if (StackTraces.CONTINUATION_KIND.equals(next.getKind())) {
            return true;
        }
        if (StackTraces.classify(firstLine(next.getMessage())) != Continuation.WEAK) {
            return false;
        }
        boolean openTraceback = held.getPayload() instanceof LogLine line && line.getStackTrace() != null;
        return openTraceback || held.getLevel().ordinal() >= Level.WARN.ordinal();
    }

    private static boolean fits(NormalizedEvent held, String blankOffsets, NormalizedEvent next) {
        String stack = held.getPayload() instanceof LogLine line ? line.getStackTrace() : null;
        String offsets = held.getMetadata().get(MERGED_OFFSETS);
        long chars = held.getMessage().length() + next.getMessage().length() + (stack == null ? 0 : stack.length())
                + (offsets == null ? 0 : offsets.length()) + (blankOffsets == null ? 0 : blankOffsets.length());
        // A held line may be large already: the merged event must still fit a Kafka record.
        long bytes = AvroSizes.atMost(held) + 3L * (next.getMessage().length() + (blankOffsets == null ? 0 : blankOffsets.length())) + 32;
        return chars <= MAX_MERGED_CHARS && bytes <= RawRecordNormalizer.MAX_EVENT_BYTES;
    }

    private static boolean isBlank(NormalizedEvent event) {
        return StackTraces.CONTINUATION_KIND.equals(event.getKind()) && event.getMessage().isBlank();
    }

    /**
     * Appends the lines, after the blank lines between, and records their raw offsets, so every raw
     * record stays accounted for.
     */
    private static NormalizedEvent appendStack(NormalizedEvent held, String blankOffsets, NormalizedEvent continuation) {
        NormalizedEvent merged = NormalizedEvent.newBuilder(held).build();
        String offsets = continuation.getMetadata().get(RAW_OFFSET);
        String lines = continuation.getMessage();
        LogLine line = merged.getPayload() instanceof LogLine existing
                ? LogLine.newBuilder(existing).build()
                : LogLine.newBuilder().setFormat("plain").build();
        if (blankOffsets != null) {
            offsets = blankOffsets + "," + offsets;
            // Blank lines inside a stack are kept; those before it only set it off from the message (Spring Boot's %wEx).
            if (line.getStackTrace() != null) {
                lines = "\n".repeat(blankOffsets.split(",").length) + lines;
            }
        }
        offsets = mergedOffsets(continuation, offsets);
        merged.getMetadata().merge(MERGED_OFFSETS, offsets, (a, b) -> a + "," + b);
        line.setStackTrace(line.getStackTrace() == null ? lines : line.getStackTrace() + "\n" + lines);
        merged.setPayload(line);
        if (merged.getLevel().ordinal() < Level.ERROR.ordinal() && Levels.infer(lines) == Level.ERROR) {
            merged.setLevel(Level.ERROR);
        }
        return merged;
    }

    /** A continuation that is itself rejoined from several records brings their offsets along. */
    private static String mergedOffsets(NormalizedEvent continuation, String offsets) {
        String own = continuation.getMetadata().get(MERGED_OFFSETS);
        return own == null ? offsets : offsets + "," + own;
    }

    private static NormalizedEvent orphan(NormalizedEvent continuation) {
        NormalizedEvent event = NormalizedEvent.newBuilder(continuation).setKind("log").build();
        event.getTags().add("orphan-stack-trace");
        return event;
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
