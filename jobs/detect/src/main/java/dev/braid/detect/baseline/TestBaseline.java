package dev.braid.detect.baseline;

import dev.braid.detect.rules.EventFields;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestResult;
import dev.braid.schema.TestStatus;
import dev.braid.schema.baseline.TestStats;

/** Per test (repo|test id): pass, fail and skip counts and the latest decisive result. */
final class TestBaseline implements Tracked<TestStats> {

    private static final long serialVersionUID = 1L;
    private static final int MAX_FAILURE = 500;

    @Override
    public Class<TestStats> type() {
        return TestStats.class;
    }

    @Override
    public String uid() {
        return BaselineState.TESTS_UID;
    }

    @Override
    public boolean selects(NormalizedEvent event) {
        return event.getPayload() instanceof TestResult;
    }

    @Override
    public String key(NormalizedEvent event) {
        String repo = EventFields.keys(event).getRepo();
        return (repo == null ? "" : repo) + '|' + testId(event);
    }

    @Override
    public TestStats update(TestStats current, NormalizedEvent event) {
        TestResult result = (TestResult) event.getPayload();
        TestStats stats = current != null ? current : first(event);
        TestStatus status = result.getStatus();
        switch (status) {
            case PASSED, XFAIL -> stats.setPassed(stats.getPassed() + 1);
            case FAILED, ERROR -> stats.setFailed(stats.getFailed() + 1);
            case SKIPPED -> stats.setSkipped(stats.getSkipped() + 1);
        }
        boolean decisive = status != TestStatus.SKIPPED || stats.getLastStatus().equals(TestStatus.SKIPPED.name());
        if (decisive && !event.getEventTime().isBefore(stats.getLastTime())) {
            CorrelationKeys keys = EventFields.keys(event);
            stats.setLastStatus(status.name());
            stats.setLastTime(event.getEventTime());
            stats.setLastCommit(keys.getCommit());
            stats.setLastBranch(keys.getBranch());
            stats.setLastEventId(event.getId());
            stats.setLastFailure(failure(result));
        }
        return stats;
    }

    private static TestStats first(NormalizedEvent event) {
        return TestStats.newBuilder()
                .setRepo(EventFields.keys(event).getRepo())
                .setTestId(testId(event))
                .setPassed(0).setFailed(0).setSkipped(0)
                .setLastStatus(TestStatus.SKIPPED.name())
                .setLastTime(event.getEventTime())
                .setLastEventId(event.getId())
                .build();
    }

    private static String testId(NormalizedEvent event) {
        String id = EventFields.keys(event).getTestId();
        if (id != null) {
            return id;
        }
        TestResult result = (TestResult) event.getPayload();
        return result.getSuite() + " " + result.getName();
    }

    private static String failure(TestResult result) {
        String message = result.getFailureMessage();
        return message == null || message.length() <= MAX_FAILURE ? message : message.substring(0, MAX_FAILURE);
    }
}
