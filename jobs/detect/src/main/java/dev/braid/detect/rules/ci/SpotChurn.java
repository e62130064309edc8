package dev.braid.detect.rules.ci;

import dev.braid.detect.cep.RunDetection;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.AlertRule;
import dev.braid.detect.rules.EventFields;
import dev.braid.detect.rules.Findings;
import dev.braid.detect.rules.ObservedEvents;
import dev.braid.detect.rules.RuleSchema;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.detect.rules.RunDetector;
import dev.braid.schema.CiInstance;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Spot-churn loop (seed 002): the same CI job interrupted {@code threshold} times within
 * {@code window}. Every further interruption in the window matches again and updates the open
 * alert; the alert resolves after {@code resolve-after} (the cool-off) without one.
 */
public final class SpotChurn implements AlertRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "spot-churn";

    @Override
    public RuleSchema schema() {
        return RuleSchema.of(RULE)
                .families("ci")
                .keys("job")
                .count("threshold", 2, 100, 3, "interruptions of one job that make a loop")
                .duration("window", Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofMinutes(60),
                        "the interruptions must fall within this span")
                .duration("resolve-after", Duration.ofMinutes(1), Duration.ofDays(7), Duration.ofMinutes(60),
                        "cool-off: the alert resolves after this long without an interruption")
                .build();
    }

    @Override
    public DataStream<Finding> detect(ObservedEvents events, RuleSpec spec) {
        return RunDetection.run(events, RULE, new Detector(spec.count("threshold"), spec.duration("window")));
    }

    static final class Detector extends RunDetector {

        private static final long serialVersionUID = 1L;

        Detector(int threshold, Duration window) {
            super("interruptions", threshold, window);
        }

        @Override
        public boolean selects(NormalizedEvent event) {
            return EventFields.isKind(event, EventFields.INTERRUPTION_KIND) && EventFields.keys(event).getJobId() != null;
        }

        @Override
        public String key(NormalizedEvent event) {
            return event.getKeys().getJobId();
        }

        @Override
        public Finding onRun(List<NormalizedEvent> interruptions) {
            NormalizedEvent first = interruptions.get(0);
            NormalizedEvent last = interruptions.get(interruptions.size() - 1);
            String job = last.getKeys().getJobId();
            String instances = interruptions.stream().map(EventFields::ciInstance)
                    .map(i -> i == null ? "?" : i.getInstanceId() + (i.getInstanceType() == null ? "" : " (" + i.getInstanceType() + ")"))
                    .collect(Collectors.joining(", "));
            long span = last.getEventTime().toEpochMilli() - first.getEventTime().toEpochMilli();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("job", job);
            details.put("interruptions", Integer.toString(interruptions.size()));
            details.put("span", Findings.span(span));
            details.put("instances", instances);
            CiInstance lastInstance = EventFields.ciInstance(last);
            if (lastInstance != null && lastInstance.getRegion() != null) {
                details.put("region", lastInstance.getRegion());
            }
            String repo = last.getKeys().getRepo();
            return Findings.fire(RULE, job, interruptions,
                    "CI job " + job + (repo == null ? "" : " of " + repo) + " was interrupted " + interruptions.size()
                            + " times in " + Findings.span(span) + " on spot capacity: " + instances,
                    details);
        }
    }
}
