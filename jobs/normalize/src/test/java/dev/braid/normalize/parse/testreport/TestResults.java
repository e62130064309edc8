package dev.braid.normalize.parse.testreport;

import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestResult;
import dev.braid.schema.TestStatus;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the test results out of the drafts a test-report parser makes. */
final class TestResults {

    private TestResults() {}

    static TestResult result(NormalizedEvent.Builder draft) {
        return (TestResult) draft.getPayload();
    }

    /** The draft of the test of that name. */
    static NormalizedEvent.Builder find(List<NormalizedEvent.Builder> drafts, String name) {
        return drafts.stream().filter(draft -> result(draft).getName().equals(name)).findFirst().orElseThrow();
    }

    /** How many tests ended in each status. */
    static Map<TestStatus, Long> counts(List<NormalizedEvent.Builder> drafts) {
        return drafts.stream().collect(Collectors.groupingBy(draft -> result(draft).getStatus(), Collectors.counting()));
    }
}
