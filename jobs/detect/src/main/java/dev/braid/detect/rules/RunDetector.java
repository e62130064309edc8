package dev.braid.detect.rules;

import dev.braid.detect.model.Finding;
import dev.braid.schema.NormalizedEvent;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A detector that fires on a run of {@code count} selected events in a row, first and last less
 * than {@code window} apart: the shape most rules share. {@code MatchRuns} runs it per key in
 * event time, keeping only the last {@code count} events, so an event costs the same however many
 * came before it in the window; the state does not depend on {@code count}, so a threshold change
 * keeps it.
 *
 * <p>The semantics are those of the CEP pattern {@code begin(run).where(c).oneOrMore().consecutive().within(window)}
 * that released versions ran, keeping its matches of exactly {@code count} events: each event
 * ends at most one finding, on the last {@code count} events, a window that slides.
 */
public abstract class RunDetector implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String name;
    protected final int count;
    protected final Duration window;

    protected RunDetector(String name, int count, Duration window) {
        this.name = name;
        this.count = count;
        this.window = window;
    }

    /** Unique within its rule and stable: it is part of the operator uids that savepoints map state by. */
    public final String name() {
        return name;
    }

    public final int count() {
        return count;
    }

    public final Duration window() {
        return window;
    }

    /** Whether the event is one the runs are made of (including events that break them). */
    public abstract boolean selects(NormalizedEvent event);

    /** The partition the runs are counted in; never null for a selected event. */
    public abstract String key(NormalizedEvent event);

    /**
     * Whether the event can follow {@code before} (oldest first) in a run. With {@code before}
     * empty it says whether the event can be part of any run: one that cannot breaks every run.
     * By default every selected event can.
     */
    public boolean continues(NormalizedEvent event, List<NormalizedEvent> before) {
        return true;
    }

    /** Whether {@link #continues} looks at {@code before}; then every candidate run is checked event by event. */
    public boolean readsRun() {
        return false;
    }

    /** What a run of exactly {@code count} events means, oldest first. */
    public abstract Finding onRun(List<NormalizedEvent> run);
}
