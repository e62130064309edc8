package dev.braid.normalize.parse.testreport;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestResult;
import dev.braid.schema.TestStatus;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.braid.normalize.parse.testreport.TestResults.counts;
import static dev.braid.normalize.parse.testreport.TestResults.find;
import static dev.braid.normalize.parse.testreport.TestResults.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class JestJsonParserTest {

    private static final String MATH = "/tmp/fixtures-work/jest/__tests__/math.test.js";
    private static final String USER = "/tmp/fixtures-work/jest/__tests__/user.test.js";

    private final JestJsonParser parser = new JestJsonParser();

    @Test
    void everyAssertionOfTheReportBecomesOneTestResult() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/jest-report.json");

        assertThat(drafts).hasSize(12).allSatisfy(draft -> {
            assertThat(draft.getKind()).isEqualTo("test.result");
            assertThat(result(draft).getFramework()).isEqualTo("jest");
            assertThat(result(draft).getRunId()).isEqualTo("run-42");
        });
        assertThat(counts(drafts)).containsOnly(
                entry(TestStatus.PASSED, 8L), entry(TestStatus.FAILED, 2L), entry(TestStatus.SKIPPED, 2L));
    }

    @Test
    void fullNamesJoinDescribeBlocksAndTitleAsJestPrintsThem() throws ParseException {
        Map<String, TestResult> byName = byName(parse("fixtures/test/jest-report.json"));

        assertThat(byName).containsKeys(
                "math › add › adds two positive numbers",
                "math › add › add(2, 3) = 5",
                "math › add › add(-1, 1) = 0",
                "top-level passing test",
                "user profile › validates name \"alice\" -> true",
                "user profile › validates name \"\" -> false");
        assertThat(byName.get("math › add › add(2, 3) = 5").getSuite()).isEqualTo(MATH);
    }

    @Test
    void failingJestTestCarriesItsFailureMessage() throws ParseException {
        NormalizedEvent.Builder draft = find(parse("fixtures/test/jest-report.json"), "math › add › rounds floating point sums");

        assertThat(draft.getLevel()).isEqualTo(Level.ERROR);
        assertThat(draft.getMessage()).isEqualTo("FAILED math › add › rounds floating point sums (2 ms)");
        assertThat(draft.getKeysBuilder().getTestId()).isEqualTo(MATH + "::math › add › rounds floating point sums");
        assertThat(result(draft).getDurationMs()).isEqualTo(2.0);
        assertThat(result(draft).getFailureMessage())
                .startsWith("Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 0.3\nReceived: 0.30000000000000004")
                .contains("at Object.toBe (/tmp/fixtures-work/jest/__tests__/math.test.js:18:29)");
        // The test ended duration milliseconds after it started.
        assertThat(draft.getEventTime()).isEqualTo(Instant.ofEpochMilli(1795280216085L + 2));
    }

    @Test
    void anErrorThrownInsideATestIsAFailureOfThatTest() throws ParseException {
        NormalizedEvent.Builder draft = find(parse("fixtures/test/jest-report.json"), "user profile › throws a TypeError on missing user");

        assertThat(result(draft).getStatus()).isEqualTo(TestStatus.FAILED);
        assertThat(result(draft).getSuite()).isEqualTo(USER);
        assertThat(result(draft).getFailureMessage()).startsWith("TypeError: Cannot read properties of undefined (reading 'name')");
    }

    @Test
    void skippedAndTodoTestsAreSkippedWithoutDurationAtInfoLevel() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/jest-report.json");
        NormalizedEvent.Builder skipped = find(drafts, "math › div › handles bigint division");
        NormalizedEvent.Builder todo = find(drafts, "math › div › supports integer division mode");

        assertThat(result(skipped).getStatus()).isEqualTo(TestStatus.SKIPPED);
        assertThat(result(skipped).getDurationMs()).isNull();
        assertThat(skipped.getLevel()).isEqualTo(Level.INFO);
        assertThat(skipped.getMessage()).isEqualTo("SKIPPED math › div › handles bigint division");
        assertThat(skipped.getMetadata()).containsEntry("jestStatus", "pending");
        assertThat(todo.getMetadata()).containsEntry("jestStatus", "todo");
        assertThat(result(todo).getStatus()).isEqualTo(TestStatus.SKIPPED);
    }

    @Test
    void passingTestKeepsItsDurationAndStartPlusDurationAsTime() throws ParseException {
        NormalizedEvent.Builder draft = find(parse("fixtures/test/jest-report.json"), "math › add › adds two positive numbers");

        assertThat(draft.getLevel()).isEqualTo(Level.INFO);
        assertThat(draft.getMessage()).isEqualTo("PASSED math › add › adds two positive numbers (3 ms)");
        assertThat(result(draft).getDurationMs()).isEqualTo(3.0);
        assertThat(result(draft).getFailureMessage()).isNull();
        assertThat(draft.getEventTime()).isEqualTo(Instant.ofEpochMilli(1795280216080L + 3));
    }

    @Test
    void aSuiteThatFailedToRunYieldsOneErrorForTheFile() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/jest-suite-errors.json");

        assertThat(drafts).hasSize(3);
        NormalizedEvent.Builder broken = drafts.get(1);
        assertThat(broken.getLevel()).isEqualTo(Level.ERROR);
        assertThat(broken.getKeysBuilder().getTestId()).isEqualTo("/tmp/testreport-work/jest/__tests__/broken.test.js::(suite)");
        assertThat(broken.getMetadata()).containsEntry("scope", "suite");
        assertThat(result(broken).getStatus()).isEqualTo(TestStatus.ERROR);
        assertThat(result(broken).getFailureMessage())
                .startsWith("● Test suite failed to run")
                .contains("SyntaxError: /tmp/testreport-work/jest/__tests__/broken.test.js: Unexpected token (6:2)");
        assertThat(broken.getEventTime()).isEqualTo(Instant.ofEpochMilli(1795280433273L));
        assertThat(result(drafts.get(2)).getFailureMessage())
                .contains("Cannot find module '../src/payments' from '__tests__/missing-module.test.js'");
    }

    @Test
    void aTestThatPassedOnRetryIsMarkedFlaky() throws ParseException {
        NormalizedEvent.Builder draft = find(parse("fixtures/test/jest-suite-errors.json"), "checkout › passes on the second attempt");

        assertThat(result(draft).getStatus()).isEqualTo(TestStatus.PASSED);
        assertThat(draft.getMetadata()).containsEntry("flaky", "true").containsEntry("attempts", "2");
    }

    @Test
    void acceptsAJestReportButNotAGoTestStream() {
        assertThat(parser.accepts(input(Fixtures.text("fixtures/test/jest-report.json")))).isTrue();
        assertThat(parser.accepts(input(Fixtures.text("fixtures/test/go-test.jsonl")))).isFalse();
        assertThat(parser.accepts(input(Fixtures.text("fixtures/test/pytest-junit.xml")))).isFalse();
    }

    @Test
    void aReportWithoutTestResultsIsASchemaViolation() {
        String withoutResults = "{\"numTotalTests\":0,\"success\":true,\"startTime\":1795280215738}";

        assertThatThrownBy(() -> parser.parse(input(withoutResults)))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e).hasMessage("jest report lacks the array 'testResults'");
                });
    }

    @Test
    void anAssertionWithoutTitleIsASchemaViolationNamingItsPlace() {
        String noTitle = "{\"testResults\":[{\"name\":\"a.test.js\",\"assertionResults\":[{\"status\":\"passed\"}]}]}";

        assertThatThrownBy(() -> parser.parse(input(noTitle)))
                .isInstanceOf(ParseException.class)
                .hasMessage("jest testResults[0].assertionResults[0] record lacks required field 'title'");
    }

    @Test
    void aTruncatedReportIsUnparseable() {
        String text = Fixtures.text("fixtures/test/jest-report.json");
        String truncated = text.substring(0, text.length() / 2);

        assertThatThrownBy(() -> parser.parse(input(truncated)))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE);
                    assertThat(e.getMessage()).startsWith("invalid JSON at line 1 column");
                });
    }

    private List<NormalizedEvent.Builder> parse(String fixture) throws ParseException {
        return parser.parse(input(Fixtures.text(fixture)));
    }

    private static ParseInput input(String text) {
        return new ParseInput(text, Map.of("braid.run-id", "run-42"), 0L);
    }

    private static Map<String, TestResult> byName(List<NormalizedEvent.Builder> drafts) {
        return drafts.stream().map(TestResults::result).collect(Collectors.toMap(TestResult::getName, Function.identity()));
    }
}
