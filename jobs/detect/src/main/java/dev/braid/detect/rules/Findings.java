package dev.braid.detect.rules;

import dev.braid.detect.model.Finding;
import dev.braid.detect.model.FindingAction;
import dev.braid.schema.NormalizedEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Builds findings from the events of a match, so that every rule reports its evidence the same way. */
public final class Findings {

    private Findings() {}

    /** A FIRE finding whose evidence is the given events, in event-time order. */
    public static Finding fire(String rule, String key, Collection<NormalizedEvent> evidence, String message,
                               Map<String, String> details) {
        return of(FindingAction.FIRE, rule, key, evidence, message, details);
    }

    /** A CLEAR finding: the event shows the rule's situation is over for this key. */
    public static Finding clear(String rule, String key, NormalizedEvent event, String message) {
        return of(FindingAction.CLEAR, rule, key, List.of(event), message, Map.of());
    }

    private static Finding of(FindingAction action, String rule, String key, Collection<NormalizedEvent> evidence,
                              String message, Map<String, String> details) {
        List<NormalizedEvent> ordered = new ArrayList<>(evidence);
        ordered.sort(Comparator.comparing(NormalizedEvent::getEventTime));
        LinkedHashSet<String> traceIds = new LinkedHashSet<>();
        ordered.stream().map(NormalizedEvent::getTraceId).filter(id -> id != null).forEach(traceIds::add);
        return Finding.newBuilder()
                .setRule(rule)
                .setKey(key)
                .setAction(action)
                .setFirstEventTime(ordered.get(0).getEventTime().toEpochMilli())
                .setLastEventTime(ordered.get(ordered.size() - 1).getEventTime().toEpochMilli())
                .setEvidenceEventIds(ordered.stream().map(NormalizedEvent::getId).toList())
                .setTraceIds(new ArrayList<>(traceIds))
                .setMessage(message)
                .setDetails(new LinkedHashMap<>(details))
                .build();
    }

    /** "41 min", "2 h 5 min", "12 s": a span for messages. */
    public static String span(long millis) {
        long seconds = millis / 1000;
        if (seconds < 120) {
            return seconds + " s";
        }
        long minutes = seconds / 60;
        if (minutes < 120) {
            return minutes + " min";
        }
        return minutes % 60 == 0 ? minutes / 60 + " h" : minutes / 60 + " h " + minutes % 60 + " min";
    }
}
