package dev.braid.normalize.parse.testreport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The stream {@code go test -json} writes (test2json): one JSON event per line. Output events are
 * collected per test until its pass, fail or skip event, which becomes the draft.
 */
public final class GoTestJsonParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String FORMAT = "go-test";
    private static final String FRAMEWORK = "go";

    /** Lines the testing package prints around every test; the test's own output is what explains it. */
    private static final Pattern BOOKKEEPING =
            Pattern.compile("^\\s*(?:=== (?:RUN|PAUSE|CONT|NAME)\\b.*|--- (?:PASS|FAIL|SKIP|BENCH): .*)$");

    /**
     * For a package that does not compile, older Go (1.19 here) puts this plain line into the JSON
     * stream and no event at all; Go 1.23 wraps the same text in an output event.
     */
    private static final Pattern PLAIN_BUILD_FAILURE = Pattern.compile("^FAIL\\t(\\S+) \\[(?:build|setup) failed\\]$");

    /** The package's closing verdict line, which repeats what the fail event says. */
    private static final Pattern PACKAGE_VERDICT = Pattern.compile("^(?:PASS|FAIL)$");

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(ParseInput input) {
        return input.text().lines()
                .filter(line -> !line.isBlank() && !PLAIN_BUILD_FAILURE.matcher(line).matches())
                .findFirst()
                .map(line -> Json.looksLikeObject(line) && line.contains("\"Action\""))
                .orElse(false);
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        Map<String, StringBuilder> outputByTest = new HashMap<>();
        Map<String, StringBuilder> outputByPackage = new HashMap<>();
        Map<String, StringBuilder> buildOutput = new HashMap<>();
        Map<String, List<String>> failedTestsByPackage = new HashMap<>();
        List<NormalizedEvent.Builder> drafts = new ArrayList<>();

        List<String> lines = input.text().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            int lineNumber = i + 1;
            Matcher plainFailure = PLAIN_BUILD_FAILURE.matcher(lines.get(i));
            if (plainFailure.matches()) {
                drafts.add(packageFailure(plainFailure.group(1), null, lines.get(i), Drafts.NO_TIME, input));
                continue;
            }
            JsonNode event = event(lines.get(i), lineNumber);
            String action = Json.text(event, "Action");
            String pkg = Json.text(event, "Package");
            String test = Json.text(event, "Test");
            String output = Json.text(event, "Output");
            switch (action) {
                case "output" -> {
                    if (output != null && pkg != null) {
                        Map<String, StringBuilder> target = test == null ? outputByPackage : outputByTest;
                        target.computeIfAbsent(test == null ? pkg : key(pkg, test), k -> new StringBuilder()).append(output);
                    }
                }
                // Go 1.24+ reports compiler output as events of the import path, before the package runs.
                case "build-output" -> {
                    String importPath = Json.text(event, "ImportPath");
                    if (output != null && importPath != null) {
                        buildOutput.computeIfAbsent(importPath, k -> new StringBuilder()).append(output);
                    }
                }
                case "pass", "fail", "skip" -> {
                    if (pkg == null) {
                        throw ParseException.schemaViolation("go test -json line " + lineNumber + ": '" + action
                                + "' event lacks 'Package'");
                    }
                    if (test != null) {
                        String own = ownOutput(outputByTest.remove(key(pkg, test)));
                        List<String> failed = failedTestsByPackage.computeIfAbsent(pkg, k -> new ArrayList<>());
                        drafts.add(testDraft(event, action, pkg, test, own, failed, input));
                        if (action.equals("fail")) {
                            failed.add(test);
                        }
                    } else if (action.equals("fail") && failedTestsByPackage.getOrDefault(pkg, List.of()).isEmpty()) {
                        drafts.add(packageDraft(event, pkg, outputByPackage.get(pkg), buildOutput, input));
                    }
                }
                default -> {
                    // start, run, pause, cont, bench, build-fail: progress only; the terminal events carry the outcome.
                }
            }
        }
        return drafts;
    }

    private static JsonNode event(String line, int lineNumber) throws ParseException {
        JsonNode event;
        try {
            event = Json.mapper().readTree(line);
        } catch (JsonProcessingException e) {
            throw ParseException.unparseable("go test -json line " + lineNumber + " is not JSON (column "
                    + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage());
        }
        if (!event.isObject() || !event.path("Action").isTextual()) {
            throw ParseException.schemaViolation("go test -json line " + lineNumber
                    + " is not a test2json event: it has no text field 'Action'");
        }
        return event;
    }

    private static NormalizedEvent.Builder testDraft(JsonNode event, String action, String pkg, String test, String own,
                                                     List<String> failedEarlier, ParseInput input) {
        TestStatus status = switch (action) {
            case "pass" -> TestStatus.PASSED;
            case "fail" -> TestStatus.FAILED;
            default -> TestStatus.SKIPPED;
        };
        String failure = null;
        if (status == TestStatus.FAILED) {
            // A parent test that only failed through its subtests prints nothing itself: name them instead.
            String prefix = test + "/";
            List<String> failedSubtests = failedEarlier.stream().filter(name -> name.startsWith(prefix)).toList();
            failure = !own.isEmpty() || failedSubtests.isEmpty() ? own : "failed subtests: " + String.join(", ", failedSubtests);
        }
        NormalizedEvent.Builder draft = new TestCase(FRAMEWORK, pkg, test, status, elapsedMillis(event), failure,
                Timestamps.parse(Json.text(event, "Time"))).toDraft(input);
        if (status == TestStatus.SKIPPED) {
            Drafts.meta(draft, "reason", own);
        }
        return draft;
    }

    /** A package that failed without a failing test: it did not build, or it crashed outside any test. */
    private static NormalizedEvent.Builder packageDraft(JsonNode event, String pkg, StringBuilder packageOutput,
                                                        Map<String, StringBuilder> buildOutput, ParseInput input) {
        List<String> parts = new ArrayList<>();
        String failedBuild = Json.text(event, "FailedBuild");
        if (failedBuild != null && buildOutput.containsKey(failedBuild)) {
            parts.add(buildOutput.get(failedBuild).toString().strip());
        }
        if (packageOutput != null) {
            parts.add(packageOutput.toString().lines()
                    .filter(line -> !PACKAGE_VERDICT.matcher(line).matches())
                    .collect(Collectors.joining("\n")).strip());
        }
        NormalizedEvent.Builder draft = packageFailure(pkg, elapsedMillis(event), String.join("\n", parts),
                Timestamps.parse(Json.text(event, "Time")), input);
        Drafts.meta(draft, "failedBuild", failedBuild);
        return draft;
    }

    private static NormalizedEvent.Builder packageFailure(String pkg, Double elapsed, String output, long time,
                                                          ParseInput input) {
        NormalizedEvent.Builder draft =
                new TestCase(FRAMEWORK, pkg, TestCase.WHOLE_SUITE, TestStatus.ERROR, elapsed, output, time).toDraft(input);
        Drafts.meta(draft, "scope", "suite");
        return draft;
    }

    /** The test's output without the testing package's bookkeeping lines, common indentation removed. */
    private static String ownOutput(StringBuilder output) {
        if (output == null) {
            return "";
        }
        return output.toString().lines()
                .filter(line -> !BOOKKEEPING.matcher(line).matches())
                .collect(Collectors.joining("\n"))
                .stripIndent()
                .strip();
    }

    private static Double elapsedMillis(JsonNode event) {
        Double seconds = Json.number(event, "Elapsed");
        // Rounded to microseconds so that 0.29 s reads 290.0 ms, not 290.00000000000006.
        return seconds == null ? null : Math.round(seconds * 1_000_000) / 1000.0;
    }

    private static String key(String pkg, String test) {
        return pkg + '\u0000' + test;
    }
}
