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
import dev.braid.schema.LlmCall;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model-API circuit breaker (seed 004): {@code failures} consecutive failed calls to one provider
 * open it; the provider's next successful call closes it.
 */
public final class ModelApiBreaker implements AlertRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "model-api-breaker";

    @Override
    public RuleSchema schema() {
        return RuleSchema.of(RULE)
                .families("agent")
                .keys("provider")
                .count("failures", 2, 1000, 5, "consecutive failed calls to one provider that open the breaker")
                .duration("window", Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofMinutes(30),
                        "the failures must fall within this span")
                .duration("resolve-after", Duration.ofMinutes(1), Duration.ofDays(7), Duration.ofHours(1),
                        "backstop: the alert resolves after this long without a failure even if no success is seen")
                .build();
    }

    @Override
    public DataStream<Finding> detect(ObservedEvents events, RuleSpec spec) {
        return RunDetection.run(events, RULE, new Detector(spec.count("failures"), spec.duration("window")))
                .union(CepDetection.clear(events, RULE, new CallSucceeded()));
    }

    static String provider(NormalizedEvent event) {
        LlmCall call = EventFields.llmCall(event);
        return call == null ? null : call.getProvider();
    }

    static boolean failed(NormalizedEvent event) {
        return EventFields.llmCall(event).getError() != null;
    }

    static final class Detector extends RunDetector {

        private static final long serialVersionUID = 1L;

        Detector(int failures, Duration window) {
            super("failures", failures, window);
        }

        /** Successes too: they break the run of failures. */
        @Override
        public boolean selects(NormalizedEvent event) {
            return provider(event) != null;
        }

        @Override
        public String key(NormalizedEvent event) {
            return provider(event);
        }

        /** A success breaks the run. */
        @Override
        public boolean continues(NormalizedEvent event, List<NormalizedEvent> before) {
            return failed(event);
        }

        @Override
        public Finding onRun(List<NormalizedEvent> calls) {
            NormalizedEvent last = calls.get(calls.size() - 1);
            LlmCall call = EventFields.llmCall(last);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("provider", call.getProvider());
            details.put("model", call.getModel() == null ? "?" : call.getModel());
            details.put("failures", Integer.toString(calls.size()));
            details.put("last-error", call.getError());
            return Findings.fire(RULE, call.getProvider(), calls,
                    "model API circuit breaker open: " + calls.size() + " consecutive failed calls to "
                            + call.getProvider() + ", the last: " + call.getError(),
                    details);
        }
    }

    /** A successful call shows the provider is back. */
    static final class CallSucceeded implements Clearing {

        private static final long serialVersionUID = 1L;

        @Override
        public String name() {
            return "success";
        }

        @Override
        public String clears(NormalizedEvent event) {
            return provider(event) != null && !failed(event) ? provider(event) : null;
        }

        @Override
        public String message(NormalizedEvent event) {
            return "model API circuit breaker closed: a call to " + provider(event) + " succeeded";
        }
    }
}
