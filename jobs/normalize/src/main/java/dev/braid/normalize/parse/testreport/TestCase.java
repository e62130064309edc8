package dev.braid.normalize.parse.testreport;

import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.TraceIds;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestResult;
import dev.braid.schema.TestStatus;

import java.util.regex.Pattern;

/**
 * One test case as every report format yields it, turned into the {@code test.result} draft the
 * same way for all frameworks so that test ids, levels and messages compare across them.
 */
record TestCase(String framework, String suite, String name, TestStatus status, Double durationMs,
                String failureMessage, long eventTime) {

    static final String KIND = "test.result";

    /** Name of the one case a report gives a suite (file, package) that failed before any test ran. */
    static final String WHOLE_SUITE = "(suite)";

    static final String RUN_ID_HEADER = "braid.run-id";

    /** Jest and go print colours into messages when run on a terminal; they are noise downstream. */
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

    NormalizedEvent.Builder toDraft(ParseInput input) {
        String failure = failureMessage == null ? null : ANSI.matcher(failureMessage).replaceAll("").strip();
        NormalizedEvent.Builder draft = Drafts.draft(KIND, level(), message());
        draft.getKeysBuilder().setTestId(suite + "::" + name);
        draft.setPayload(TestResult.newBuilder()
                .setFramework(framework)
                .setRunId(input.header(RUN_ID_HEADER))
                .setSuite(suite)
                .setName(name)
                .setStatus(status)
                .setDurationMs(durationMs)
                .setFailureMessage(failure == null || failure.isEmpty() ? null : failure)
                .build());
        Drafts.time(draft, eventTime);
        // End-to-end tests print the trace id of the request that failed: it joins the test to its trace.
        if (failure != null) {
            TraceIds.apply(TraceIds.fromText(failure), draft);
        }
        return draft;
    }

    private Level level() {
        return status == TestStatus.FAILED || status == TestStatus.ERROR ? Level.ERROR : Level.INFO;
    }

    /** {@code FAILED checkout › validates password (12 ms)}. */
    private String message() {
        String text = status + " " + name;
        return durationMs == null ? text : text + " (" + Math.round(durationMs) + " ms)";
    }
}
