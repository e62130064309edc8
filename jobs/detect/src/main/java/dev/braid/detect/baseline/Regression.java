package dev.braid.detect.baseline;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One thing worse than in the baseline, with its evidence: the figures on both sides, when it was
 * seen and the normalized events and traces to look at.
 *
 * @param subject what regressed, unique per kind: {@code test|repo|id}, {@code endpoint|host METHOD /route},
 *                {@code page|host/route|VITAL}, {@code error|service|signature}
 */
public record Regression(
        Kind kind,
        String subject,
        String summary,
        Map<String, String> evidence,
        Instant firstTime,
        Instant lastTime,
        List<String> eventIds,
        List<String> traceIds) {

    public enum Kind {
        /** A test green in the baseline is red now. */
        TEST_FAILING,
        /** An endpoint's p95 latency is worse by more than the threshold. */
        SLOWER_ENDPOINT,
        /** An endpoint's error rate (5xx and failed requests) is higher by more than the threshold. */
        FAILING_ENDPOINT,
        /** A page's Web Vital p75 is worse by more than the threshold. */
        WORSE_WEB_VITAL,
        /** An error signature the baseline never saw. */
        NEW_ERROR
    }

    public Regression {
        evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
        eventIds = List.copyOf(eventIds);
        traceIds = List.copyOf(traceIds);
    }
}
