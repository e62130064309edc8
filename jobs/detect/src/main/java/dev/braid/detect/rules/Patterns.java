package dev.braid.detect.rules;

import dev.braid.schema.NormalizedEvent;

import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The pattern shapes the rules share. */
public final class Patterns {

    private Patterns() {}

    /**
     * A run of selected events in a row that meet the condition, first and last at most
     * {@code window} apart. The run's length is not part of the pattern: {@link #runOf} picks the
     * matches of the wanted length. A pattern of {@code times(n)} compiles to states named by
     * position, so changing {@code n} breaks the partial matches in a savepoint; this shape keeps
     * them valid across a threshold change. Strict contiguity keeps one partial match per starting
     * event rather than every combination.
     */
    public static Pattern<NormalizedEvent, NormalizedEvent> run(
            String name, Duration window, IterativeCondition<NormalizedEvent> condition) {
        return Pattern.<NormalizedEvent>begin(name).where(condition).oneOrMore().consecutive().within(window);
    }

    /** A run of selected events, whatever they are. */
    public static Pattern<NormalizedEvent, NormalizedEvent> run(String name, Duration window) {
        return run(name, window, SimpleCondition.of(event -> true));
    }

    /**
     * The events of a {@link #run} match when it has exactly {@code count} of them, else null. Each
     * event that extends a run completes one match of every length up to it, so exactly one match
     * per event has the wanted length: the last {@code count} events, a window that slides.
     */
    public static List<NormalizedEvent> runOf(Map<String, List<NormalizedEvent>> match, String name, int count) {
        List<NormalizedEvent> events = match.get(name);
        return events != null && events.size() == count ? events : null;
    }
}
