package dev.braid.normalize.parse.testreport;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.braid.normalize.parse.testreport.TestResults.counts;
import static dev.braid.normalize.parse.testreport.TestResults.find;
import static dev.braid.normalize.parse.testreport.TestResults.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class GoTestJsonParserTest {

    private static final String CALC = "example.com/braidfixture/calc";

    private final GoTestJsonParser parser = new GoTestJsonParser();

    @Test
    void everyTestAndSubtestThatFinishedBecomesOneTestResult() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/go-test.jsonl");

        assertThat(drafts).hasSize(13).allSatisfy(draft -> {
            assertThat(draft.getKind()).isEqualTo("test.result");
            assertThat(result(draft).getFramework()).isEqualTo("go");
            assertThat(result(draft).getRunId()).isEqualTo("run-7");
        });
        assertThat(counts(drafts)).containsOnly(
                entry(TestStatus.PASSED, 8L), entry(TestStatus.FAILED, 3L), entry(TestStatus.SKIPPED, 2L));
    }

    @Test
    void subtestsKeepTheirFullSlashSeparatedName() throws ParseException {
        List<String> names = parse("fixtures/test/go-test.jsonl").stream().map(draft -> result(draft).getName()).toList();

        assertThat(names).contains(
                "TestTable/positive", "TestTable/negative_numbers", "TestTable/a/b_mixed", "TestTable",
                "TestNested/group/inner_ok", "TestNested/group/inner/skip", "TestNested/group", "ExampleAdd");
    }

    @Test
    void failingGoTestCarriesItsOwnOutputWithoutBookkeepingLines() throws ParseException {
        NormalizedEvent.Builder draft = find(parse("fixtures/test/go-test.jsonl"), "TestDivRounding");

        assertThat(draft.getLevel()).isEqualTo(Level.ERROR);
        assertThat(draft.getMessage()).isEqualTo("FAILED TestDivRounding (0 ms)");
        assertThat(draft.getKeysBuilder().getTestId()).isEqualTo(CALC + "::TestDivRounding");
        assertThat(result(draft).getSuite()).isEqualTo(CALC);
        assertThat(result(draft).getDurationMs()).isEqualTo(0.0);
        assertThat(result(draft).getFailureMessage())
                .isEqualTo("calc_test.go:15: checking integer division rounding\ncalc_test.go:17: Div(7, 2) = 3, want 4");
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2026-11-21T16:57:02.604Z"));
    }

    @Test
    void aFailingSubtestHasItsMessageAndItsParentNamesIt() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/go-test.jsonl");

        assertThat(result(find(drafts, "TestTable/a/b_mixed")).getFailureMessage())
                .isEqualTo("calc_test.go:39: Add(-1, 2) = 1, want 2");
        NormalizedEvent.Builder parent = find(drafts, "TestTable");
        assertThat(result(parent).getStatus()).isEqualTo(TestStatus.FAILED);
        assertThat(result(parent).getFailureMessage()).isEqualTo("failed subtests: TestTable/a/b_mixed");
    }

    @Test
    void skippedTestKeepsItsReasonAndIsInfo() throws ParseException {
        NormalizedEvent.Builder draft = find(parse("fixtures/test/go-test.jsonl"), "TestNested/group/inner/skip");

        assertThat(result(draft).getStatus()).isEqualTo(TestStatus.SKIPPED);
        assertThat(result(draft).getFailureMessage()).isNull();
        assertThat(draft.getLevel()).isEqualTo(Level.INFO);
        assertThat(draft.getMetadata()).containsEntry("reason", "calc_test.go:49: not implemented yet");
    }

    @Test
    void passingPackagesAddNoPackageLevelEvent() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/go-test.jsonl");

        assertThat(drafts).noneMatch(draft -> result(draft).getName().equals("(suite)"));
        assertThat(find(drafts, "TestUpperIdentity").getKeysBuilder().getTestId())
                .isEqualTo("example.com/braidfixture/util::TestUpperIdentity");
    }

    @Test
    void aPackageThatDoesNotBuildOrPanicsInInitIsOneErrorWithItsOutput() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/go-test-build-failure.jsonl");

        assertThat(drafts).extracting(draft -> draft.getKeysBuilder().getTestId()).containsExactly(
                "example.com/braidbuild/broken::(suite)",
                "example.com/braidbuild/initpanic::(suite)",
                "example.com/braidbuild/ok::TestDouble");
        NormalizedEvent.Builder broken = drafts.get(0);
        assertThat(broken.getLevel()).isEqualTo(Level.ERROR);
        assertThat(result(broken).getStatus()).isEqualTo(TestStatus.ERROR);
        assertThat(result(broken).getFailureMessage()).isEqualTo("FAIL\texample.com/braidbuild/broken [build failed]");
        assertThat(result(broken).getDurationMs()).isEqualTo(1.0);
        assertThat(broken.getEventTime()).isEqualTo(Instant.parse("2026-11-21T17:00:55.023Z"));
        NormalizedEvent.Builder panic = drafts.get(1);
        assertThat(result(panic).getFailureMessage())
                .startsWith("panic: config: BRAID_PORT is not set\n\ngoroutine 1 [running]:")
                .endsWith("FAIL\texample.com/braidbuild/initpanic\t0.006s");
        assertThat(panic.getMessage()).isEqualTo("ERROR (suite) (6 ms)");
    }

    @Test
    void olderGoPlainBuildFailureLineBecomesAPackageError() throws ParseException {
        ParseInput input = input(Fixtures.text("fixtures/test/go-test-build-failure-go1.19.jsonl"));
        assertThat(parser.accepts(input)).isTrue();

        List<NormalizedEvent.Builder> drafts = parser.parse(input);

        assertThat(drafts).extracting(draft -> draft.getKeysBuilder().getTestId()).containsExactly(
                "example.com/braidbuild/broken::(suite)",
                "example.com/braidbuild/ok::TestDouble",
                "example.com/braidbuild/initpanic::(suite)");
        assertThat(result(drafts.get(0)).getFailureMessage()).isEqualTo("FAIL\texample.com/braidbuild/broken [build failed]");
        assertThat(drafts.get(0).getEventTime()).isNull();
    }

    @Test
    void go124BuildOutputEventsExplainTheFailedPackage() throws ParseException {
        // The shape Go 1.24 documents for build events: ImportPath + build-output, then FailedBuild on the package.
        String stream = String.join("\n",
                "{\"ImportPath\":\"m/broken [m/broken.test]\",\"Action\":\"build-output\",\"Output\":\"# m/broken\\n\"}",
                "{\"ImportPath\":\"m/broken [m/broken.test]\",\"Action\":\"build-output\",\"Output\":\"broken/broken.go:8:15: undefined: missingTax\\n\"}",
                "{\"ImportPath\":\"m/broken [m/broken.test]\",\"Action\":\"build-fail\"}",
                "{\"Time\":\"2026-11-21T17:00:55.022Z\",\"Action\":\"start\",\"Package\":\"m/broken\"}",
                "{\"Time\":\"2026-11-21T17:00:55.023Z\",\"Action\":\"output\",\"Package\":\"m/broken\",\"Output\":\"FAIL\\tm/broken [build failed]\\n\"}",
                "{\"Time\":\"2026-11-21T17:00:55.023Z\",\"Action\":\"fail\",\"Package\":\"m/broken\",\"Elapsed\":0,\"FailedBuild\":\"m/broken [m/broken.test]\"}");

        List<NormalizedEvent.Builder> drafts = parser.parse(input(stream));

        assertThat(drafts).singleElement().satisfies(draft -> {
            assertThat(result(draft).getFailureMessage())
                    .isEqualTo("# m/broken\nbroken/broken.go:8:15: undefined: missingTax\nFAIL\tm/broken [build failed]");
            assertThat(draft.getMetadata()).containsEntry("failedBuild", "m/broken [m/broken.test]");
        });
    }

    @Test
    void acceptsAGoTestStreamButNotAJestReport() {
        assertThat(parser.accepts(input(Fixtures.text("fixtures/test/go-test.jsonl")))).isTrue();
        assertThat(parser.accepts(input(Fixtures.text("fixtures/test/jest-report.json")))).isFalse();
    }

    @Test
    void aLineThatIsNotJsonIsUnparseableWithItsLineNumber() {
        List<String> lines = new ArrayList<>(Fixtures.lines("fixtures/test/go-test.jsonl"));
        lines.add(4, "panic: runtime error: index out of range [recovered]");

        assertThatThrownBy(() -> parser.parse(input(String.join("\n", lines))))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE);
                    assertThat(e.getMessage()).startsWith("go test -json line 5 is not JSON");
                });
    }

    @Test
    void aJsonLineWithoutActionIsASchemaViolation() {
        String stream = Fixtures.lines("fixtures/test/go-test.jsonl").get(0) + "\n{\"Package\":\"p\",\"Test\":\"TestX\"}";

        assertThatThrownBy(() -> parser.parse(input(stream)))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e).hasMessage("go test -json line 2 is not a test2json event: it has no text field 'Action'");
                });
    }

    private List<NormalizedEvent.Builder> parse(String fixture) throws ParseException {
        return parser.parse(input(Fixtures.text(fixture)));
    }

    private static ParseInput input(String text) {
        return new ParseInput(text, Map.of("braid.run-id", "run-7"), 0L);
    }
}
