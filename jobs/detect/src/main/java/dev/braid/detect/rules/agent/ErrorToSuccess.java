package dev.braid.detect.rules.agent;

import dev.braid.detect.cep.CepDetection;
import dev.braid.detect.rules.EventFields;
import dev.braid.detect.rules.FixRule;
import dev.braid.detect.rules.ObservedEvents;
import dev.braid.detect.rules.PatternDetector;
import dev.braid.detect.rules.RuleSchema;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.schema.AgentStep;
import dev.braid.schema.Fix;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Error then success (seed 001): an agent task that ended in error, then a task of the same
 * signature that succeeded, within {@code window}. The pair goes to the fixes topic: what failed,
 * what fixed it, time to fix and attempts. Each success closes one pair with the earliest error
 * still open before it, so a task that failed three times and then succeeded is one fix.
 */
public final class ErrorToSuccess implements FixRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "error-to-success";

    @Override
    public RuleSchema schema() {
        return RuleSchema.of(RULE)
                .families("fixes")
                .keys("signature")
                .duration("window", Duration.ofMinutes(1), Duration.ofDays(30), Duration.ofHours(24),
                        "the success must follow the error within this span")
                .build();
    }

    @Override
    public DataStream<Fix> detect(ObservedEvents events, RuleSpec spec) {
        return CepDetection.run(events, RULE, new Detector(spec.duration("window")), new AvroTypeInfo<>(Fix.class));
    }

    static String outcome(NormalizedEvent event) {
        AgentStep step = EventFields.agentStep(event);
        return step == null ? null : step.getOutcome();
    }

    static final class Detector implements PatternDetector<Fix> {

        private static final long serialVersionUID = 1L;

        private final Duration window;

        Detector(Duration window) {
            this.window = window;
        }

        @Override
        public String name() {
            return "error-then-success";
        }

        @Override
        public boolean selects(NormalizedEvent event) {
            AgentStep step = EventFields.agentStep(event);
            return EventFields.isKind(event, "agent.outcome") && step != null && step.getSignature() != null
                    && ("error".equals(step.getOutcome()) || "success".equals(step.getOutcome()));
        }

        @Override
        public String key(NormalizedEvent event) {
            return EventFields.agentStep(event).getSignature();
        }

        @Override
        public Pattern<NormalizedEvent, ?> pattern() {
            return Pattern.<NormalizedEvent>begin("error", AfterMatchSkipStrategy.skipPastLastEvent())
                    .where(SimpleCondition.of(event -> "error".equals(outcome(event))))
                    .followedBy("success")
                    .where(SimpleCondition.of(event -> "success".equals(outcome(event))))
                    .within(window);
        }

        @Override
        public Fix onMatch(Map<String, List<NormalizedEvent>> match) {
            NormalizedEvent error = match.get("error").get(0);
            NormalizedEvent success = match.get("success").get(0);
            AgentStep errorStep = EventFields.agentStep(error);
            AgentStep successStep = EventFields.agentStep(success);
            LinkedHashSet<String> traceIds = new LinkedHashSet<>();
            Stream.of(error.getTraceId(), success.getTraceId()).filter(id -> id != null).forEach(traceIds::add);
            return Fix.newBuilder()
                    .setId(UUID.nameUUIDFromBytes((error.getId() + '|' + success.getId()).getBytes(StandardCharsets.UTF_8)).toString())
                    .setSignature(successStep.getSignature())
                    .setTaskId(EventFields.keys(success).getTaskId())
                    .setErrorEventId(error.getId())
                    .setSuccessEventId(success.getId())
                    .setErrorTime(error.getEventTime())
                    .setSuccessTime(success.getEventTime())
                    .setTimeToFixMs(success.getEventTime().toEpochMilli() - error.getEventTime().toEpochMilli())
                    .setAttempts(successStep.getAttempt())
                    .setError(errorStep.getError() != null ? errorStep.getError() : error.getMessage())
                    .setFix(success.getMessage())
                    .setRepo(EventFields.keys(success).getRepo())
                    .setBranch(EventFields.keys(success).getBranch())
                    .setTraceIds(List.copyOf(traceIds))
                    .build();
        }
    }
}
