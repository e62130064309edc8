package dev.braid.detect.rules;

import dev.braid.detect.model.Finding;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A detector that fires on a run of {@code count} selected events in a row, first and last at most
 * {@code window} apart: the shape most rules share.
 *
 * <p>The count is not part of the pattern: the pattern is {@code oneOrMore().consecutive()} and
 * {@link #onMatch} keeps the matches of the wanted length. A pattern of {@code times(n)} compiles to
 * states named by position, so changing {@code n} breaks the partial matches in a savepoint; this
 * shape keeps them valid across a threshold change. Each event that extends a run completes one
 * match of every length up to it, so exactly one match per event has the wanted length: the last
 * {@code count} events, a window that slides. Strict contiguity keeps one partial match per
 * starting event rather than every combination.
 */
public abstract class RunDetector implements PatternDetector<Finding> {

    private static final long serialVersionUID = 1L;

    /** The pattern's one state; conditions read the run so far under this name. */
    public static final String RUN = "run";

    private final String name;
    protected final int count;
    protected final Duration window;

    protected RunDetector(String name, int count, Duration window) {
        this.name = name;
        this.count = count;
        this.window = window;
    }

    @Override
    public final String name() {
        return name;
    }

    /** What every event of the run must meet; by default, being selected is enough. */
    protected IterativeCondition<NormalizedEvent> condition() {
        return SimpleCondition.of(event -> true);
    }

    @Override
    public final Pattern<NormalizedEvent, ?> pattern() {
        return Pattern.<NormalizedEvent>begin(RUN).where(condition()).oneOrMore().consecutive().within(window);
    }

    @Override
    public final Finding onMatch(Map<String, List<NormalizedEvent>> match) {
        List<NormalizedEvent> run = match.get(RUN);
        return run != null && run.size() == count ? onRun(run) : null;
    }

    /** What a run of exactly {@code count} events means, oldest first. */
    protected abstract Finding onRun(List<NormalizedEvent> run);
}
