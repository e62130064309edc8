package dev.braid.detect.rules.tests;

import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.AlertRule;
import dev.braid.detect.rules.EventFields;
import dev.braid.detect.rules.ObservedEvents;
import dev.braid.detect.rules.RuleSchema;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;

/**
 * Test regression (seed 000): a test that passed on a branch fails on a later commit of it. The
 * alert names the suspect commits (after the pass, up to the failure) and the failure message;
 * the test passing again resolves it.
 *
 * <p>A keyed process function, not CEP: the rule compares each result with the test's last result
 * and the branch's commit history, state that lives for days and has no pattern window; as a
 * pattern every pass would be a partial match waiting for a failure that may never come.
 */
public final class TestRegression implements AlertRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "test-regression";
    static final String UID = "detect-test-regression-history";

    @Override
    public RuleSchema schema() {
        return RuleSchema.of(RULE)
                .families("regressions")
                .keys("test")
                .count("max-suspects", 1, 100, 10, "suspect commits named, newest first")
                .count("max-commits", 10, 10_000, 500, "commits remembered per repo and branch")
                .duration("history", Duration.ofHours(1), Duration.ofDays(90), Duration.ofDays(7),
                        "how long commits and test results are remembered")
                .duration("resolve-after", Duration.ofMinutes(1), Duration.ofDays(90), Duration.ofDays(7),
                        "the alert resolves after this long without another failure, if no pass resolves it first")
                .build();
    }

    @Override
    public DataStream<Finding> detect(ObservedEvents events, RuleSpec spec) {
        return events
                .select(TestRegression::isHistory, UID + "-select", RULE + " commits and results")
                .keyBy(TestRegression::branchKey, Types.STRING)
                .process(new TestRegressions(spec.count("max-suspects"), spec.count("max-commits"), spec.duration("history")),
                        new AvroTypeInfo<>(Finding.class))
                .uid(UID).name(RULE);
    }

    /** Commits and decisive test results of a known repo and branch. */
    static boolean isHistory(NormalizedEvent event) {
        CorrelationKeys keys = EventFields.keys(event);
        if (keys.getRepo() == null || keys.getBranch() == null) {
            return false;
        }
        if (EventFields.isKind(event, "git.commit")) {
            return true;
        }
        return keys.getTestId() != null && keys.getCommit() != null && FlakyTest.green(event) != null;
    }

    static String branchKey(NormalizedEvent event) {
        return event.getKeys().getRepo() + '|' + event.getKeys().getBranch();
    }
}
