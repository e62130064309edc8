package dev.braid.detect.rules;

import dev.braid.schema.NormalizedEvent;

import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

import java.time.Duration;

/** The pattern shapes the rules share. */
public final class Patterns {

    private Patterns() {}

    /**
     * {@code count} selected events in a row that meet the condition, the first and last at most
     * {@code window} apart. Strict contiguity keeps one partial match per starting event instead of
     * every combination; each further event that keeps the run going matches again, sliding the
     * window, which the alert tracker turns into an update of the open alert.
     */
    public static Pattern<NormalizedEvent, NormalizedEvent> inARow(
            String name, int count, Duration window, IterativeCondition<NormalizedEvent> condition) {
        return Pattern.<NormalizedEvent>begin(name).where(condition).times(count).consecutive().within(window);
    }

    /** {@code count} selected events in a row within the window, whatever they are. */
    public static Pattern<NormalizedEvent, NormalizedEvent> inARow(String name, int count, Duration window) {
        return inARow(name, count, window, always());
    }

    public static SimpleCondition<NormalizedEvent> always() {
        return SimpleCondition.of(event -> true);
    }
}
