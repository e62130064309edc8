package dev.braid.detect.rules;

import dev.braid.schema.NormalizedEvent;

import org.apache.flink.cep.pattern.Pattern;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A Flink CEP pattern and its match handler, the unit every CEP rule is built from: which events
 * the pattern sees, how they are keyed, the pattern, and what a match means.
 *
 * @param <OUT> what a match becomes: a finding for alerts, a fix for the fixes topic
 */
public interface PatternDetector<OUT> extends Serializable {

    /** Unique within its rule and stable: it is part of the operator uids that savepoints map state by. */
    String name();

    /** Whether the event can take part in the pattern; only these reach the CEP operator. */
    boolean selects(NormalizedEvent event);

    /** The partition the pattern runs in; never null for a selected event. */
    String key(NormalizedEvent event);

    /** The pattern; it must have a {@code within()} so that partial matches expire. */
    Pattern<NormalizedEvent, ?> pattern();

    /** What the match means, or null when, on a closer look, it means nothing. */
    OUT onMatch(Map<String, List<NormalizedEvent>> match);
}
