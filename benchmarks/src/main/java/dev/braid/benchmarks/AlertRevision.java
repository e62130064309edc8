package dev.braid.benchmarks;

import dev.braid.schema.Alert;
import dev.braid.schema.AlertStatus;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What identifies one alert record, whichever engine published it: the rule and key, where the
 * alert is in its life (status and revision), the event times it spans, and for an opening the
 * events that made the rule match. Every event of the mix has its own millisecond, so the times
 * also name the newest evidence of an update and how a resolution came (a clearing event's time,
 * or the last match plus resolve-after).
 */
record AlertRevision(String rule, String key, String status, int revision, long firstTime, long lastTime,
                     List<String> evidence) implements Comparable<AlertRevision> {

    /** Each alert's records in turn; a rule and key has one record at a time and revision at most. */
    private static final Comparator<AlertRevision> ORDER = Comparator.comparing(AlertRevision::rule)
            .thenComparing(AlertRevision::key)
            .thenComparingLong(AlertRevision::lastTime)
            .thenComparingInt(AlertRevision::revision);

    static AlertRevision of(Alert alert) {
        return of(alert.getRule(), alert.getKey(), alert.getStatus().name(), alert.getRevision(),
                alert.getFirstEventTime().toEpochMilli(), alert.getLastEventTime().toEpochMilli(), alert.getEvidenceEventIds());
    }

    /** The evidence is kept for an opening only: an update's is the alert's merged, capped history. */
    static AlertRevision of(String rule, String key, String status, int revision, long firstTime, long lastTime,
                            List<String> evidence) {
        boolean opens = status.equals(AlertStatus.OPEN.name());
        return new AlertRevision(rule, key, status, revision, firstTime, lastTime, opens ? List.copyOf(evidence) : List.of());
    }

    boolean opens() {
        return status.equals(AlertStatus.OPEN.name());
    }

    @Override
    public int compareTo(AlertRevision other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return rule + " " + key + " " + status + " r" + revision + " " + Instant.ofEpochMilli(firstTime) + ".."
                + Instant.ofEpochMilli(lastTime) + (evidence.isEmpty() ? "" : " " + evidence);
    }
}
