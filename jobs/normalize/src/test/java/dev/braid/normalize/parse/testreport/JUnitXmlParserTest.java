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
import java.util.List;
import java.util.Map;

import static dev.braid.normalize.parse.testreport.TestResults.counts;
import static dev.braid.normalize.parse.testreport.TestResults.find;
import static dev.braid.normalize.parse.testreport.TestResults.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class JUnitXmlParserTest {

    private static final String SAMPLE = "dev.braid.normalize.parse.testreport.SurefireOutcomesSampleTest";

    private final JUnitXmlParser parser = new JUnitXmlParser();

    @Test
    void everyPytestCaseBecomesOneTestResult() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/pytest-junit.xml");

        assertThat(drafts).hasSize(12).allSatisfy(draft -> {
            assertThat(draft.getKind()).isEqualTo("test.result");
            assertThat(result(draft).getFramework()).isEqualTo("pytest");
            assertThat(result(draft).getRunId()).isEqualTo("run-3");
            // pytest's timestamp has no zone: read as UTC.
            assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2026-11-21T16:57:05.487Z"));
        });
        assertThat(counts(drafts)).containsOnly(
                entry(TestStatus.PASSED, 6L), entry(TestStatus.FAILED, 2L), entry(TestStatus.SKIPPED, 2L),
                entry(TestStatus.XFAIL, 1L), entry(TestStatus.ERROR, 1L));
    }

    @Test
    void parametrizedPytestIdsStayInTheNameAndClassnameIsTheSuite() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/pytest-junit.xml");

        assertThat(drafts).extracting(draft -> draft.getKeysBuilder().getTestId()).contains(
                "test_sample::test_add[1-2-3]",
                "test_sample::test_add[0--1--1]",
                "test_sample.TestCart::test_empty_cart");
        assertThat(result(find(drafts, "test_add[2-2-4]")).getSuite()).isEqualTo("test_sample");
        assertThat(result(find(drafts, "test_add[2-2-4]")).getDurationMs()).isEqualTo(0.0);
    }

    @Test
    void failingPytestCaseCarriesTheAssertionMessageAndTraceback() throws ParseException {
        NormalizedEvent.Builder draft = find(parse("fixtures/test/pytest-junit.xml"), "test_total_after_add");

        assertThat(draft.getLevel()).isEqualTo(Level.ERROR);
        assertThat(draft.getMessage()).isEqualTo("FAILED test_total_after_add (0 ms)");
        assertThat(result(draft).getSuite()).isEqualTo("test_sample.TestCart");
        assertThat(result(draft).getFailureMessage()).isEqualTo("AssertionError: total should include tax\nassert 10 == 12");
        assertThat(draft.getMetadata().get("stackTrace"))
                .contains("E       AssertionError: total should include tax")
                .endsWith("test_sample.py:21: AssertionError");
    }

    @Test
    void aFixtureErrorIsAnErrorNotAFailure() throws ParseException {
        NormalizedEvent.Builder draft = find(parse("fixtures/test/pytest-junit.xml"), "test_uses_db");

        assertThat(result(draft).getStatus()).isEqualTo(TestStatus.ERROR);
        assertThat(draft.getLevel()).isEqualTo(Level.ERROR);
        assertThat(result(draft).getFailureMessage())
                .isEqualTo("failed on setup with \"ConnectionError: could not connect to database at 127.0.0.1:5432\"");
    }

    @Test
    void pytestXfailIsXfailAndSkipKeepsItsReason() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/pytest-junit.xml");
        NormalizedEvent.Builder xfail = find(drafts, "test_xfail");
        NormalizedEvent.Builder skipped = find(drafts, "test_skipped");

        assertThat(result(xfail).getStatus()).isEqualTo(TestStatus.XFAIL);
        assertThat(xfail.getLevel()).isEqualTo(Level.INFO);
        assertThat(xfail.getMetadata()).containsEntry("reason", "known bug BR-123");
        assertThat(result(skipped).getStatus()).isEqualTo(TestStatus.SKIPPED);
        assertThat(result(skipped).getFailureMessage()).isNull();
        assertThat(skipped.getMetadata()).containsEntry("reason", "requires docker");
        // A non-strict xpass is reported by pytest as a plain pass.
        assertThat(result(find(drafts, "test_xpass")).getStatus()).isEqualTo(TestStatus.PASSED);
    }

    @Test
    void everySurefireCaseBecomesOneTestResultWithTheFinalOutcome() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/surefire-outcomes.xml");

        assertThat(drafts).hasSize(9).allSatisfy(draft -> {
            assertThat(result(draft).getFramework()).isEqualTo("surefire");
            assertThat(result(draft).getSuite()).isEqualTo(SAMPLE);
            // Surefire 3 writes no timestamp: the caller falls back to the Kafka time.
            assertThat(draft.getEventTime()).isNull();
        });
        assertThat(counts(drafts)).containsOnly(
                entry(TestStatus.PASSED, 4L), entry(TestStatus.FAILED, 1L), entry(TestStatus.ERROR, 2L),
                entry(TestStatus.SKIPPED, 2L));
    }

    @Test
    void surefireFailureKeepsAssertionMessageTypeAndReruns() throws ParseException {
        NormalizedEvent.Builder draft = find(parse("fixtures/test/surefire-outcomes.xml"), "sumsFloatingPointPrices");

        assertThat(draft.getLevel()).isEqualTo(Level.ERROR);
        assertThat(draft.getMessage()).isEqualTo("FAILED sumsFloatingPointPrices (2 ms)");
        assertThat(draft.getKeysBuilder().getTestId()).isEqualTo(SAMPLE + "::sumsFloatingPointPrices");
        assertThat(result(draft).getDurationMs()).isEqualTo(2.0);
        assertThat(result(draft).getFailureMessage()).isEqualTo("[sum of prices] \nexpected: 0.3\n but was: 0.30000000000000004");
        assertThat(draft.getMetadata())
                .containsEntry("failureType", "org.opentest4j.AssertionFailedError")
                .containsEntry("reruns", "1")
                .doesNotContainKey("flaky");
    }

    @Test
    void aSurefireTestThatPassedOnRerunIsPassedAndFlaky() throws ParseException {
        NormalizedEvent.Builder draft = find(parse("fixtures/test/surefire-outcomes.xml"), "passesOnTheSecondAttempt");

        assertThat(result(draft).getStatus()).isEqualTo(TestStatus.PASSED);
        assertThat(result(draft).getFailureMessage()).isNull();
        assertThat(draft.getLevel()).isEqualTo(Level.INFO);
        assertThat(draft.getMetadata()).containsEntry("flaky", "true").containsEntry("reruns", "1");
    }

    @Test
    void surefireParameterizedInvocationsAreSeparateCasesAndExceptionsAreErrors() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/surefire-outcomes.xml");

        assertThat(result(find(drafts, "parsesAmount(String)[1]")).getStatus()).isEqualTo(TestStatus.PASSED);
        assertThat(result(find(drafts, "parsesAmount(String)[1]")).getDurationMs()).isEqualTo(11.0);
        NormalizedEvent.Builder abc = find(drafts, "parsesAmount(String)[3]");
        assertThat(result(abc).getStatus()).isEqualTo(TestStatus.ERROR);
        assertThat(result(abc).getFailureMessage()).isEqualTo("For input string: \"abc\"");
        assertThat(abc.getKeysBuilder().getTestId()).isEqualTo(SAMPLE + "::parsesAmount(String)[3]");
        assertThat(result(find(drafts, "chargesTheCard")).getFailureMessage()).isEqualTo("payment gateway returned 503");
    }

    @Test
    void disabledAndAbortedSurefireTestsAreSkippedWithTheirReason() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/surefire-outcomes.xml");

        assertThat(find(drafts, "refundsPartially").getMetadata()).containsEntry("reason", "waiting for BR-77");
        NormalizedEvent.Builder aborted = find(drafts, "runsOnlyWithDocker");
        assertThat(result(aborted).getStatus()).isEqualTo(TestStatus.SKIPPED);
        assertThat(aborted.getMetadata())
                .containsEntry("reason", "org.opentest4j.TestAbortedException: Assumption failed: docker is not available");
    }

    @Test
    void aPlainSurefireReportOfThisProjectParses() throws ParseException {
        List<NormalizedEvent.Builder> drafts = parse("fixtures/test/surefire-report.xml");

        assertThat(drafts).isNotEmpty().allSatisfy(draft -> {
            assertThat(result(draft).getFramework()).isEqualTo("surefire");
            assertThat(result(draft).getStatus()).isEqualTo(TestStatus.PASSED);
            assertThat(result(draft).getSuite()).isEqualTo("dev.braid.normalize.parse.testreport.JestJsonParserTest");
            assertThat(result(draft).getDurationMs()).isNotNull();
        });
        assertThat(drafts).extracting(draft -> result(draft).getName()).contains("failingJestTestCarriesItsFailureMessage");
    }

    @Test
    void acceptsJUnitXmlButNotJson() {
        assertThat(parser.accepts(input(Fixtures.text("fixtures/test/pytest-junit.xml")))).isTrue();
        assertThat(parser.accepts(input(Fixtures.text("fixtures/test/jest-report.json")))).isFalse();
    }

    @Test
    void truncatedXmlIsUnparseableWithLineAndColumn() {
        String text = Fixtures.text("fixtures/test/pytest-junit.xml");
        String truncated = text.substring(0, text.indexOf("<testcase classname=\"test_sample\" name=\"test_skipped\""));

        assertThatThrownBy(() -> parser.parse(input(truncated)))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE);
                    assertThat(e.getMessage()).matches("(?s)junit-xml is not well-formed at line \\d+ column \\d+: .+");
                });
    }

    @Test
    void aDoctypeIsRefusedSoExternalEntitiesCannotBeRead() {
        String xxe = "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE testsuite [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n"
                + "<testsuite name=\"pytest\"><testcase classname=\"t\" name=\"x\"><failure message=\"&secret;\"/></testcase></testsuite>";

        assertThatThrownBy(() -> parser.parse(input(xxe)))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE);
                    assertThat(e.getMessage()).startsWith("junit-xml is not well-formed at line 2").contains("DOCTYPE");
                    assertThat(e.getMessage()).doesNotContain("root:");
                });
    }

    @Test
    void aTestcaseWithoutNameIsASchemaViolation() {
        String noName = "<testsuite name=\"pytest\"><testcase classname=\"t\" name=\"a\"/><testcase classname=\"t\"/></testsuite>";

        assertThatThrownBy(() -> parser.parse(input(noName)))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e).hasMessage("junit-xml <testcase> number 2 lacks the attribute 'name'");
                });
    }

    @Test
    void anotherRootElementIsASchemaViolation() {
        assertThatThrownBy(() -> parser.parse(input("<coverage line-rate=\"0.9\"><testsuite/></coverage>")))
                .isInstanceOf(ParseException.class)
                .hasMessage("junit-xml root element is <coverage>, expected <testsuites> or <testsuite>");
    }

    private List<NormalizedEvent.Builder> parse(String fixture) throws ParseException {
        return parser.parse(input(Fixtures.text(fixture)));
    }

    private static ParseInput input(String text) {
        return new ParseInput(text, Map.of("braid.run-id", "run-3"), 0L);
    }
}
