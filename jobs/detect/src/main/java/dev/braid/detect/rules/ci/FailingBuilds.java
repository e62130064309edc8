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
import dev.braid.schema.AgentStep;
import dev.braid.schema.CiJob;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Failing builds (seed 004): {@code threshold} different CI jobs or agent tasks of one repository
 * (or tenant) failing within {@code window}. The same job failing twice counts once.
 */
public final class FailingBuilds implements AlertRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "failing-builds";
    private static final Set<String> FAILED_CONCLUSIONS = Set.of("failure", "timed_out");

    @Override
    public RuleSchema schema() {
        return RuleSchema.of(RULE)
                .families("ci")
                .keys("repo", "tenant")
                .count("threshold", 2, 1000, 3, "different jobs or tasks failing that raise the alert")
                .duration("window", Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofMinutes(30),
                        "the failures must fall within this span")
                .duration("resolve-after", Duration.ofMinutes(1), Duration.ofDays(7), Duration.ofMinutes(30),
                        "the alert resolves after this long without another failure")
                .build();
    }

    @Override
    public DataStream<Finding> detect(ObservedEvents events, RuleSpec spec) {
        return RunDetection.run(events, RULE, new Detector(spec.key(), spec.count("threshold"), spec.duration("window")));
    }

    /** A failed CI job or agent task, named by what failed; null for anything else. */
    static String failedUnit(NormalizedEvent event) {
        CiJob job = EventFields.ciJob(event);
        if (job != null && "completed".equals(job.getStatus()) && FAILED_CONCLUSIONS.contains(job.getConclusion())) {
            return "job " + (job.getJobName() != null ? job.getJobName() + " #" + job.getJobId() : job.getJobId());
        }
        AgentStep step = EventFields.agentStep(event);
        if (step != null && EventFields.isKind(event, "agent.outcome") && "error".equals(step.getOutcome())) {
            return "task " + EventFields.keys(event).getTaskId();
        }
        return null;
    }

    static final class Detector extends RunDetector {

        private static final long serialVersionUID = 1L;

        private final String groupKey;

        Detector(String groupKey, int threshold, Duration window) {
            super("failures", threshold, window);
            this.groupKey = groupKey;
        }

        @Override
        public boolean selects(NormalizedEvent event) {
            return failedUnit(event) != null && group(event) != null;
        }

        @Override
        public String key(NormalizedEvent event) {
            return group(event);
        }

        private String group(NormalizedEvent event) {
            return "tenant".equals(groupKey) ? EventFields.keys(event).getTenant() : EventFields.keys(event).getRepo();
        }

        /** A failure counts only if it is of a job or task the run has not counted yet. */
        @Override
        public boolean continues(NormalizedEvent event, List<NormalizedEvent> before) {
            String unit = failedUnit(event);
            return before.stream().noneMatch(earlier -> unit.equals(failedUnit(earlier)));
        }

        @Override
        public boolean readsRun() {
            return true;
        }

        @Override
        public Finding onRun(List<NormalizedEvent> failures) {
            String group = group(failures.get(0));
            String units = failures.stream().map(FailingBuilds::failedUnit).collect(Collectors.joining(", "));
            long span = failures.get(failures.size() - 1).getEventTime().toEpochMilli()
                    - failures.get(0).getEventTime().toEpochMilli();
            Map<String, String> details = new LinkedHashMap<>();
            details.put(groupKey, group);
            details.put("failures", Integer.toString(failures.size()));
            details.put("failed", units);
            details.put("span", Findings.span(span));
            return Findings.fire(RULE, group, failures,
                    failures.size() + " builds failing in " + group + " within " + Findings.span(span) + ": " + units,
                    details);
        }
    }
}
