package dev.braid.detect.rules.agent;

import dev.braid.detect.cep.CepDetection;
import dev.braid.detect.cep.RunDetection;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.AlertRule;
import dev.braid.detect.rules.Clearing;
import dev.braid.detect.rules.EventFields;
import dev.braid.detect.rules.Findings;
import dev.braid.detect.rules.ObservedEvents;
import dev.braid.detect.rules.RuleSchema;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.detect.rules.RunDetector;
import dev.braid.schema.AgentStep;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Agent loop (seed 004): a task started more than {@code max-attempts} times, or a task that
 * reaches the same state signature in {@code repeats} of its last {@code of-last} attempts. Both
 * raise one alert per task; the task's outcome, success or error, resolves it.
 */
public final class AgentLoop implements AlertRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "agent-loop";

    @Override
    public RuleSchema schema() {
        return RuleSchema.of(RULE)
                .families("agent")
                .keys("task")
                .count("max-attempts", 1, 1000, 5, "more attempts than this is a loop")
                .count("repeats", 2, 100, 3, "times one state signature must come back ...")
                .count("of-last", 2, 100, 5, "... within this many consecutive attempts")
                .duration("window", Duration.ofMinutes(1), Duration.ofDays(7), Duration.ofHours(6),
                        "the longest a task runs; partial matches expire after it")
                .duration("resolve-after", Duration.ofMinutes(1), Duration.ofDays(7), Duration.ofHours(1),
                        "the alert resolves after this long without a new attempt, if no outcome resolves it first")
                .build();
    }

    @Override
    public void check(RuleSpec spec) {
        if (spec.count("repeats") > spec.count("of-last")) {
            throw new IllegalArgumentException("field 'repeats' (" + spec.count("repeats") + ") must not exceed 'of-last' ("
                    + spec.count("of-last") + ")");
        }
    }

    @Override
    public DataStream<Finding> detect(ObservedEvents events, RuleSpec spec) {
        return RunDetection.run(events, RULE, new TooManyAttempts(spec.count("max-attempts"), spec.duration("window")))
                .union(RunDetection.run(events, RULE,
                        new RepeatedState(spec.count("repeats"), spec.count("of-last"), spec.duration("window"))))
                .union(CepDetection.clear(events, RULE, new TaskEnded()));
    }

    static String task(NormalizedEvent event) {
        return EventFields.keys(event).getTaskId();
    }

    /** More than {@code maxAttempts} task.attempt events of one task. */
    static final class TooManyAttempts extends RunDetector {

        private static final long serialVersionUID = 1L;

        private final int maxAttempts;

        TooManyAttempts(int maxAttempts, Duration window) {
            super("attempts", maxAttempts + 1, window);
            this.maxAttempts = maxAttempts;
        }

        @Override
        public boolean selects(NormalizedEvent event) {
            return EventFields.isKind(event, "agent.attempt") && task(event) != null;
        }

        @Override
        public String key(NormalizedEvent event) {
            return task(event);
        }

        @Override
        public Finding onRun(List<NormalizedEvent> attempts) {
            NormalizedEvent last = attempts.get(attempts.size() - 1);
            AgentStep step = EventFields.agentStep(last);
            String attempt = step == null || step.getAttempt() == null ? "?" : step.getAttempt().toString();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("task", task(last));
            details.put("attempt", attempt);
            details.put("max-attempts", Integer.toString(maxAttempts));
            if (step != null && step.getSignature() != null) {
                details.put("signature", step.getSignature());
            }
            return Findings.fire(RULE, task(last), attempts,
                    "agent task " + task(last) + " is on attempt " + attempt + ", more than " + maxAttempts
                            + " attempts: it is looping (" + last.getMessage() + ")",
                    details);
        }
    }

    /** The same state signature in {@code repeats} different attempts no more than {@code ofLast} apart. */
    static final class RepeatedState extends RunDetector {

        private static final long serialVersionUID = 1L;

        private final int ofLast;

        RepeatedState(int repeats, int ofLast, Duration window) {
            super("repeated-state", repeats, window);
            this.ofLast = ofLast;
        }

        @Override
        public boolean selects(NormalizedEvent event) {
            AgentStep step = EventFields.agentStep(event);
            return EventFields.isKind(event, "agent.state") && task(event) != null && step != null
                    && step.getStateSignature() != null && step.getAttempt() != null;
        }

        @Override
        public String key(NormalizedEvent event) {
            return task(event) + '|' + EventFields.agentStep(event).getStateSignature();
        }

        /** Each repeat comes from a later attempt, and the run spans at most {@code ofLast} attempts. */
        @Override
        public boolean continues(NormalizedEvent event, List<NormalizedEvent> before) {
            if (before.isEmpty()) {
                return true;
            }
            int attempt = attempt(event);
            return attempt > attempt(before.get(before.size() - 1)) && attempt - attempt(before.get(0)) < ofLast;
        }

        @Override
        public boolean readsRun() {
            return true;
        }

        private static int attempt(NormalizedEvent event) {
            return EventFields.agentStep(event).getAttempt();
        }

        @Override
        public Finding onRun(List<NormalizedEvent> states) {
            NormalizedEvent last = states.get(states.size() - 1);
            AgentStep step = EventFields.agentStep(last);
            String attempts = states.stream().map(e -> EventFields.agentStep(e).getAttempt().toString())
                    .collect(Collectors.joining(", "));
            Map<String, String> details = new LinkedHashMap<>();
            details.put("task", task(last));
            details.put("state", step.getToState() == null ? "?" : step.getToState());
            details.put("state-signature", step.getStateSignature());
            details.put("attempts", attempts);
            return Findings.fire(RULE, task(last), states,
                    "agent task " + task(last) + " reached the same state '" + details.get("state") + "' (signature "
                            + step.getStateSignature() + ") in attempts " + attempts + ": it is going round in circles",
                    details);
        }
    }

    /** The task's outcome ends any loop of it. */
    static final class TaskEnded implements Clearing {

        private static final long serialVersionUID = 1L;

        @Override
        public String name() {
            return "outcome";
        }

        @Override
        public String clears(NormalizedEvent event) {
            return EventFields.isKind(event, "agent.outcome") ? task(event) : null;
        }

        @Override
        public String message(NormalizedEvent event) {
            AgentStep step = EventFields.agentStep(event);
            return "agent task " + task(event) + " ended"
                    + (step == null || step.getOutcome() == null ? "" : " with " + step.getOutcome())
                    + (step == null || step.getAttempt() == null ? "" : " on attempt " + step.getAttempt());
        }
    }
}
