package dev.braid.normalize.parse.testreport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * The report {@code jest --json} writes: one object whose {@code testResults[]} holds a file each,
 * whose {@code assertionResults[]} hold the test cases.
 */
public final class JestJsonParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String FORMAT = "jest";

    /** Jest's own separator between describe blocks and the test title in its reporters. */
    private static final String NAME_SEPARATOR = " › ";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(ParseInput input) {
        String text = input.text();
        return Json.looksLikeObject(text) && (text.contains("\"numTotalTests\"") || text.contains("\"testResults\""));
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode report = Json.object(input.text());
        JsonNode files = report.get("testResults");
        if (files == null || !files.isArray()) {
            throw ParseException.schemaViolation("jest report lacks the array 'testResults'"
                    + (files == null ? "" : " (found " + files.getNodeType() + ")"));
        }
        long reportStart = epochMillis(report.get("startTime"));
        List<NormalizedEvent.Builder> drafts = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            parseFile(files.get(f), f, reportStart, input, drafts);
        }
        return drafts;
    }

    private static void parseFile(JsonNode file, int index, long reportStart, ParseInput input,
                                  List<NormalizedEvent.Builder> drafts) throws ParseException {
        String where = "jest testResults[" + index + "]";
        if (!file.isObject()) {
            throw ParseException.schemaViolation(where + " is " + file.getNodeType() + ", not an object");
        }
        String suite = Json.required(file, "name", where);
        long fileStart = epochMillis(file.get("startTime"));
        long fileEnd = epochMillis(file.get("endTime"));
        JsonNode cases = file.path("assertionResults");
        if (!cases.isMissingNode() && !cases.isArray()) {
            throw ParseException.schemaViolation(where + ".assertionResults is " + cases.getNodeType() + ", not an array");
        }
        // A file that failed to run (syntax error, failing import, hook outside tests) has no cases,
        // only the error text; without this draft the failure would vanish from the run.
        String suiteError = Json.text(file, "message", "failureMessage");
        if (cases.isEmpty() && "failed".equals(Json.text(file, "status")) && suiteError != null && !suiteError.isBlank()) {
            long time = fileEnd != Drafts.NO_TIME ? fileEnd : fileStart != Drafts.NO_TIME ? fileStart : reportStart;
            NormalizedEvent.Builder draft = new TestCase(FORMAT, suite, TestCase.WHOLE_SUITE, TestStatus.ERROR,
                    null, suiteError, time).toDraft(input);
            Drafts.meta(draft, "scope", "suite");
            drafts.add(draft);
            return;
        }
        for (int c = 0; c < cases.size(); c++) {
            drafts.add(parseCase(cases.get(c), where + ".assertionResults[" + c + "]", suite,
                    fileStart != Drafts.NO_TIME ? fileStart : reportStart, input));
        }
    }

    private static NormalizedEvent.Builder parseCase(JsonNode result, String where, String suite, long fallbackTime,
                                                     ParseInput input) throws ParseException {
        String title = Json.required(result, "title", where);
        String status = Json.required(result, "status", where);
        List<String> parts = new ArrayList<>();
        result.path("ancestorTitles").forEach(ancestor -> parts.add(ancestor.asText()));
        parts.add(title);
        String name = String.join(NAME_SEPARATOR, parts);

        Double duration = Json.number(result, "duration");
        long start = epochMillis(result.get("startAt"));
        long time = start == Drafts.NO_TIME ? fallbackTime : duration == null ? start : start + Math.round(duration);

        List<String> messages = new ArrayList<>();
        result.path("failureMessages").forEach(message -> messages.add(message.asText()));
        TestStatus testStatus = status(status, where);

        NormalizedEvent.Builder draft = new TestCase(FORMAT, suite, name, testStatus, duration,
                messages.isEmpty() ? null : String.join("\n\n", messages), time).toDraft(input);
        if (!"passed".equals(status) && !"failed".equals(status)) {
            Drafts.meta(draft, "jestStatus", status);
        }
        // jest.retryTimes runs a case again; one that passed after failing is flaky, not green.
        JsonNode invocations = result.get("invocations");
        if (invocations != null && invocations.asInt() > 1) {
            Drafts.meta(draft, "attempts", invocations.asInt());
            if (testStatus == TestStatus.PASSED) {
                Drafts.meta(draft, "flaky", "true");
            }
        }
        return draft;
    }

    private static TestStatus status(String status, String where) throws ParseException {
        switch (status) {
            case "passed":
                return TestStatus.PASSED;
            case "failed":
                return TestStatus.FAILED;
            case "pending": case "todo": case "skipped": case "disabled":
                return TestStatus.SKIPPED;
            default:
                throw ParseException.schemaViolation(where + " has unknown status '" + status
                        + "' (expected passed, failed, pending, todo, skipped or disabled)");
        }
    }

    private static long epochMillis(JsonNode value) {
        return value != null && value.isNumber() ? value.asLong() : Drafts.NO_TIME;
    }
}
