package dev.braid.detect.rules.tests;

import dev.braid.detect.cep.CepDetection;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.AlertRule;
import dev.braid.detect.rules.EventFields;
import dev.braid.detect.rules.Findings;
import dev.braid.detect.rules.PatternDetector;
import dev.braid.detect.rules.RuleSchema;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestResult;
import dev.braid.schema.TestStatus;

import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flaky test (seed 000): one test both passed and failed on the same commit, within
 * {@code window} of each other. Every further flip updates the open alert.
 */
public final class FlakyTest implements AlertRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "flaky-test";

    @Override
    public RuleSchema schema() {
        return RuleSchema.of(RULE)
                .families("flaky-tests")
                .keys("test-and-commit")
                .duration("window", Duration.ofMinutes(1), Duration.ofDays(30), Duration.ofHours(24),
                        "the pass and the failure must fall within this span")
                .duration("resolve-after", Duration.ofMinutes(1), Duration.ofDays(30), Duration.ofDays(1),
                        "the alert resolves after this long without another flip")
                .build();
    }

    @Override
    public DataStream<Finding> detect(DataStream<NormalizedEvent> events, RuleSpec spec) {
        return CepDetection.run(events, RULE, new Detector(spec.duration("window")), new AvroTypeInfo<>(Finding.class));
    }

    /** PASSED is green; FAILED and ERROR are red; skipped and xfail say nothing about flakiness. */
    static Boolean green(NormalizedEvent event) {
        TestResult result = EventFields.testResult(event);
        if (result == null) {
            return null;
        }
        TestStatus status = result.getStatus();
        return status == TestStatus.PASSED ? Boolean.TRUE
                : status == TestStatus.FAILED || status == TestStatus.ERROR ? Boolean.FALSE : null;
    }

    static final class Detector implements PatternDetector<Finding> {

        private static final long serialVersionUID = 1L;

        private final Duration window;

        Detector(Duration window) {
            this.window = window;
        }

        @Override
        public String name() {
            return "flip";
        }

        @Override
        public boolean selects(NormalizedEvent event) {
            CorrelationKeys keys = EventFields.keys(event);
            return green(event) != null && keys.getTestId() != null && keys.getCommit() != null;
        }

        @Override
        public String key(NormalizedEvent event) {
            CorrelationKeys keys = event.getKeys();
            return (keys.getRepo() == null ? "" : keys.getRepo()) + '|' + keys.getTestId() + '@' + keys.getCommit();
        }

        @Override
        public Pattern<NormalizedEvent, ?> pattern() {
            return Pattern.<NormalizedEvent>begin("first")
                    .followedBy("flip").where(new OtherOutcome())
                    .within(window);
        }

        @Override
        public Finding onMatch(Map<String, List<NormalizedEvent>> match) {
            NormalizedEvent first = match.get("first").get(0);
            NormalizedEvent flip = match.get("flip").get(0);
            NormalizedEvent failed = green(first) ? flip : first;
            CorrelationKeys keys = flip.getKeys();
            TestResult failure = EventFields.testResult(failed);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("test", keys.getTestId());
            details.put("commit", keys.getCommit());
            if (keys.getRepo() != null) {
                details.put("repo", keys.getRepo());
            }
            if (failure.getFailureMessage() != null) {
                details.put("failure", failure.getFailureMessage());
            }
            return Findings.fire(RULE, key(flip), List.of(first, flip),
                    "test " + keys.getTestId() + " is flaky: it " + (green(first) ? "passed, then failed" : "failed, then passed")
                            + " on the same commit " + EventFields.shortSha(keys.getCommit())
                            + (failure.getFailureMessage() == null ? "" : " (" + firstLine(failure.getFailureMessage()) + ")"),
                    details);
        }
    }

    static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /** The second run's outcome differs from the first's. */
    private static final class OtherOutcome extends IterativeCondition<NormalizedEvent> {

        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(NormalizedEvent event, Context<NormalizedEvent> ctx) throws Exception {
            for (NormalizedEvent first : ctx.getEventsForPattern("first")) {
                return !green(first).equals(green(event));
            }
            return false;
        }
    }
}
