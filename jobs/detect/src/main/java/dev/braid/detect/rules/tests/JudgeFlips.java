package dev.braid.detect.rules.tests;

import dev.braid.detect.cep.ResumingOperator.ResumesReleasedCep;
import dev.braid.detect.model.Finding;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The flaky-test rule, keyed by "repo|test@commit": the latest pass and the latest failure seen.
 * Each result is judged when it arrives, against the latest result of the other outcome, so a
 * report uploaded long after its run, behind the watermark, still counts; in time order that
 * pairs each flip with the result before it, as the released pattern did. An event-time timer a
 * {@code window} after the newest result clears the key; a new result moves it, so a key has one.
 */
public final class JudgeFlips extends KeyedProcessFunction<String, NormalizedEvent, Finding> implements ResumesReleasedCep {

    private static final long serialVersionUID = 1L;

    private final Duration window;
    private transient ValueState<NormalizedEvent> lastPass;
    private transient ValueState<NormalizedEvent> lastFailure;

    public JudgeFlips(Duration window) {
        this.window = window;
    }

    @Override
    public void open(OpenContext openContext) {
        AvroTypeInfo<NormalizedEvent> eventType = new AvroTypeInfo<>(NormalizedEvent.class);
        lastPass = getRuntimeContext().getState(new ValueStateDescriptor<>("last-pass", eventType));
        lastFailure = getRuntimeContext().getState(new ValueStateDescriptor<>("last-failure", eventType));
    }

    @Override
    public void processElement(NormalizedEvent result, Context ctx, Collector<Finding> out) throws Exception {
        NormalizedEvent other = (FlakyTest.green(result) ? lastFailure : lastPass).value();
        if (other != null && Math.abs(time(result) - time(other)) < window.toMillis()) {
            out.collect(time(other) <= time(result) ? FlakyTest.flip(other, result) : FlakyTest.flip(result, other));
        }
        remember(result, ctx.timerService());
    }

    /** The released pattern's results, matched or waiting, are remembered; a later result is judged against them. */
    @Override
    public void resume(List<NormalizedEvent> matched, List<NormalizedEvent> waiting, TimerService timers) throws Exception {
        for (NormalizedEvent result : Stream.concat(matched.stream(), waiting.stream()).toList()) {
            remember(result, timers);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
        if (expiry() <= timestamp) {
            lastPass.clear();
            lastFailure.clear();
        }
    }

    private void remember(NormalizedEvent result, TimerService timers) throws Exception {
        ValueState<NormalizedEvent> same = FlakyTest.green(result) ? lastPass : lastFailure;
        NormalizedEvent kept = same.value();
        if (kept != null && time(kept) >= time(result)) {
            return;
        }
        long before = expiry();
        same.update(result);
        long after = expiry();
        if (after != before) {
            if (before != Long.MIN_VALUE) {
                timers.deleteEventTimeTimer(before);
            }
            timers.registerEventTimeTimer(after);
        }
    }

    /** A window after the newest result kept; {@code Long.MIN_VALUE} when none is. */
    private long expiry() throws Exception {
        long newest = Long.MIN_VALUE;
        for (NormalizedEvent kept : new NormalizedEvent[] {lastPass.value(), lastFailure.value()}) {
            if (kept != null) {
                newest = Math.max(newest, time(kept) + window.toMillis());
            }
        }
        return newest;
    }

    private static long time(NormalizedEvent event) {
        return event.getEventTime().toEpochMilli();
    }
}
