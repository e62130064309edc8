package dev.braid.normalize.functions;

import dev.braid.connectors.RawRecord;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The parse operator: normalized events to the main output, dead letters to {@link #DEAD_LETTERS}.
 * The work itself is {@link RawRecordNormalizer}'s; this adds the outputs and the metrics.
 */
public final class ParseRawRecord extends ProcessFunction<RawRecord, NormalizedEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private final RawRecordNormalizer normalizer;
    private transient Counter events;
    private transient Counter deadLetters;

    public ParseRawRecord(long maxRecordBytes) {
        this.normalizer = new RawRecordNormalizer(maxRecordBytes);
    }

    @Override
    public void open(OpenContext openContext) {
        events = getRuntimeContext().getMetricGroup().counter("eventsOut");
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLettersOut");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<NormalizedEvent> out) {
        RawRecordNormalizer.Result result = normalizer.normalize(raw);
        if (result.deadLetter() != null) {
            ctx.output(DEAD_LETTERS, result.deadLetter());
            deadLetters.inc();
            return;
        }
        result.events().forEach(out::collect);
        events.inc(result.events().size());
    }
}
