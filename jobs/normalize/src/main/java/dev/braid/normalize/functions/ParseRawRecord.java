package dev.braid.normalize.functions;

import dev.braid.connectors.RawRecord;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The parse operator: normalized events to the main output, dead letters to {@link #DEAD_LETTERS}.
 * The work itself is {@link RawRecordNormalizer}'s; this adds the outputs and the metrics.
 */
public final class ParseRawRecord extends ProcessFunction<RawRecord, NormalizedEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    /** Metric: events whose own time ran more than the allowed bound ahead of the shipper's clock. */
    public static final String CLAMPED = "eventTimesClamped";

    /** Metric: blank lines of sources other than backend logs, dropped as layout. */
    public static final String BLANK_LINES = "blankLines";

    private final RawRecordNormalizer normalizer;
    private transient Counter events;
    private transient Counter blankLines;
    private transient Counter clamped;
    private transient Map<DeadLetterReason, Counter> deadLetters;

    public ParseRawRecord(long maxRecordBytes, Duration maxTimeAhead) {
        this.normalizer = new RawRecordNormalizer(maxRecordBytes, maxTimeAhead);
    }

    /** The metric counting dead letters of one reason, for example {@code deadLetters_OVERSIZED}. */
    public static String deadLetterMetric(DeadLetterReason reason) {
        return "deadLetters_" + reason.name();
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        events = metrics.counter("eventsOut");
        clamped = metrics.counter(CLAMPED);
        blankLines = metrics.counter(BLANK_LINES);
        deadLetters = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(reason, metrics.counter(deadLetterMetric(reason)));
        }
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<NormalizedEvent> out) {
        RawRecordNormalizer.Result result = normalizer.normalize(raw);
        if (result.deadLetter() != null) {
            ctx.output(DEAD_LETTERS, result.deadLetter());
            deadLetters.get(result.deadLetter().getReason()).inc();
        }
        if (result.blank()) {
            blankLines.inc();
            return;
        }
        result.events().forEach(out::collect);
        events.inc(result.events().size());
        clamped.inc(result.clamped());
    }
}
