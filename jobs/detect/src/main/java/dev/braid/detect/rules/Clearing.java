package dev.braid.detect.rules;

import dev.braid.schema.NormalizedEvent;

import java.io.Serializable;

/**
 * An event that ends a rule's situation for one key, such as a successful model call closing the
 * provider's circuit breaker. Stateless: it needs no pattern, only a look at the event.
 */
public interface Clearing extends Serializable {

    /** Unique within its rule and stable: part of the operator uid. */
    String name();

    /** The alert key the event clears, or null when it clears nothing. */
    String clears(NormalizedEvent event);

    /** Why the alert resolved, for its RESOLVED record. */
    String message(NormalizedEvent event);
}
