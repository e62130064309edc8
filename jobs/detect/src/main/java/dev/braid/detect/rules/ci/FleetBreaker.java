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

/**
 * Fleet circuit breaker (seed 002): {@code threshold} spot interruptions across a pool within
 * {@code window} open the breaker (an OPEN alert); every further one keeps it open (UPDATED); a
 * quiet {@code resolve-after} closes it (RESOLVED). The pool is a region, an instance type or the
 * whole tenant, as the file's key says.
 */
public final class FleetBreaker implements AlertRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "fleet-breaker";
    static final String UNKNOWN = "unknown";

    @Override
    public RuleSchema schema() {
        return RuleSchema.of(RULE)
                .families("ci")
                .keys("region", "instance-type", "tenant")
                .count("threshold", 2, 10_000, 10, "interruptions across the pool that open the breaker")
                .duration("window", Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofMinutes(15),
                        "the interruptions must fall within this span")
                .duration("resolve-after", Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofMinutes(30),
                        "quiet period: the breaker closes after this long without an interruption")
                .build();
    }

    @Override
    public DataStream<Finding> detect(ObservedEvents events, RuleSpec spec) {
        return RunDetection.run(events, RULE, new Detector(spec.key(), spec.count("threshold"), spec.duration("window")));
    }

    static final class Detector extends RunDetector {

        private static final long serialVersionUID = 1L;

        private final String poolKey;

        Detector(String poolKey, int threshold, Duration window) {
            super("interruptions", threshold, window);
            this.poolKey = poolKey;
        }

        @Override
        public boolean selects(NormalizedEvent event) {
            return EventFields.isKind(event, EventFields.INTERRUPTION_KIND);
        }

        @Override
        public String key(NormalizedEvent event) {
            CiInstance instance = EventFields.ciInstance(event);
            String pool = switch (poolKey) {
                case "region" -> instance == null ? null : instance.getRegion();
                case "instance-type" -> instance == null ? null : instance.getInstanceType();
                default -> EventFields.keys(event).getTenant();
            };
            return pool == null ? UNKNOWN : pool;
        }

        @Override
        public Finding onRun(List<NormalizedEvent> interruptions) {
            String pool = key(interruptions.get(0));
            long span = interruptions.get(interruptions.size() - 1).getEventTime().toEpochMilli()
                    - interruptions.get(0).getEventTime().toEpochMilli();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("pool", poolKey + " " + pool);
            details.put("interruptions", Integer.toString(interruptions.size()));
            details.put("span", Findings.span(span));
            return Findings.fire(RULE, pool, interruptions,
                    "fleet circuit breaker open: " + interruptions.size() + " spot interruptions in " + poolKey + " "
                            + pool + " within " + Findings.span(span),
                    details);
        }
    }
}
