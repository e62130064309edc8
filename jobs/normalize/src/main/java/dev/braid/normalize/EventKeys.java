package dev.braid.normalize;

import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;

/**
 * The Kafka key of an event on the events topic: its best correlation key, so that the events the
 * correlate job joins land in the same partition, in order.
 */
public final class EventKeys {

    private EventKeys() {}

    /** trace id, then session, task, job, service, repo; the event id when it has none of them. */
    public static String bestKey(NormalizedEvent event) {
        if (event.getTraceId() != null) {
            return "trace:" + event.getTraceId();
        }
        CorrelationKeys keys = event.getKeys();
        if (keys.getSession() != null) return "session:" + keys.getSession();
        if (keys.getTaskId() != null) return "task:" + keys.getTaskId();
        if (keys.getJobId() != null) return "job:" + keys.getJobId();
        if (keys.getService() != null) return "service:" + keys.getService();
        if (keys.getRepo() != null) return "repo:" + keys.getRepo();
        return "event:" + event.getId();
    }
}
