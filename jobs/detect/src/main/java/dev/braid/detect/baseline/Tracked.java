package dev.braid.detect.baseline;

import dev.braid.schema.NormalizedEvent;

import java.io.Serializable;

/**
 * One kind of baseline state: which events it takes, how they are keyed and how one event updates
 * the key's Avro record. {@link KeepStats} keeps it; {@link BaselineReader} reads it back.
 */
interface Tracked<S> extends Serializable {

    Class<S> type();

    /** Stable operator id of the keeping operator; never change one. */
    String uid();

    boolean selects(NormalizedEvent event);

    String key(NormalizedEvent event);

    /** The state after the event; {@code current} is null for the key's first event. */
    S update(S current, NormalizedEvent event);
}
