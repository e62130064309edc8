package dev.braid.detect.rules.tests;

import dev.braid.detect.cep.CepDetection;
import dev.braid.detect.cep.ResumingOperator;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.AlertRule;
import dev.braid.detect.rules.EventFields;
import dev.braid.detect.rules.Findings;
import dev.braid.detect.rules.ObservedEvents;
import dev.braid.detect.rules.RuleSchema;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestResult;
import dev.braid.schema.TestStatus;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flaky test (seed 000): one test both passed and failed on the same commit, within
 * {@code window} of each other. Every further flip updates the open alert.
 *
 * <p>Judged in the order results arrive, not by the watermark: whether a commit's test both passed
 * and failed does not depend on which came first, and test reports are uploaded minutes after the
 * run whose start time they carry, while live traffic keeps the watermark current. See
 * {@link JudgeFlips}.
 */
public final class FlakyTest implements AlertRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "flaky-test";
    /** The released CEP pattern's name: part of the uids its savepoint state is mapped by. */
    static final String FLIP = "flip";

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
    public DataStream<Finding> detect(ObservedEvents events, RuleSpec spec) {
        String uid = CepDetection.uid(RULE, FLIP);
        KeyedStream<NormalizedEvent, String> keyed = events
                .select(FlakyTest::selects, uid + "-select", RULE + " " + FLIP + " events")
                .keyBy(FlakyTest::key, Types.STRING);
        return keyed.transform(RULE + " " + FLIP, new AvroTypeInfo<>(Finding.class),
                        new ResumingOperator(new JudgeFlips(spec.duration("window")),
                                keyed.getType().createSerializer(keyed.getExecutionConfig().getSerializerConfig())))
                .uid(uid + "-match");
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

    /** A decisive result of a known test on a known commit. */
    static boolean selects(NormalizedEvent event) {
        CorrelationKeys keys = EventFields.keys(event);
        return green(event) != null && keys.getTestId() != null && keys.getCommit() != null;
    }

    /** "repo|test@commit": the alert key, and what the results are judged per. */
    static String key(NormalizedEvent event) {
        CorrelationKeys keys = event.getKeys();
        return (keys.getRepo() == null ? "" : keys.getRepo()) + '|' + keys.getTestId() + '@' + keys.getCommit();
    }

    /** The finding of a pass and a failure of one test on one commit, in event-time order. */
    static Finding flip(NormalizedEvent first, NormalizedEvent flip) {
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

    static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
