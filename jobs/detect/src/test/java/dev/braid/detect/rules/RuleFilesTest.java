package dev.braid.detect.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.schema.Severity;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The rule files of cep-rules/: what loads, with which defaults, and how each mistake is reported. */
class RuleFilesTest {

    /** The repository's rule directory; Surefire runs in the module directory, jobs/detect. */
    private static final Path REPOSITORY_RULES = Path.of("../../cep-rules");

    private static final String SPOT_CHURN = """
            rule: spot-churn
            description: One CI job keeps losing its spot runner.
            family: ci
            severity: high
            action: Force on-demand capacity for job {key}.
            """;

    private static final String AGENT_LOOP = """
            rule: agent-loop
            description: An agent task is stuck in a loop.
            family: agent
            severity: high
            action: Stop task {key}.
            """;

    private static final String FLAKY_TEST = """
            rule: flaky-test
            description: The same test passed and failed on the same commit.
            family: flaky-tests
            severity: warning
            action: Quarantine {test}.
            """;

    @Nested
    class TheBundledRules {

        @Test
        void everyRuleHasABundledFileAndEveryBundledFileLoads() {
            List<RuleSpec> bundled = RuleFiles.bundled();

            assertThat(bundled).extracting(RuleSpec::rule).containsExactlyElementsOf(Rules.ids());
            assertThat(bundled).hasSize(10);
            assertThat(bundled).allSatisfy(spec -> assertThat(spec.file()).isEqualTo("cep-rules/" + spec.rule() + ".yaml"));
        }

        @Test
        void spotChurnFiresOnThreeInterruptionsWithinAnHourAndCoolsOffAfterAnHour() {
            RuleSpec spotChurn = bundled("spot-churn");

            assertThat(spotChurn.count("threshold")).isEqualTo(3);
            assertThat(spotChurn.duration("window")).isEqualTo(Duration.ofMinutes(60));
            assertThat(spotChurn.duration("resolve-after")).isEqualTo(Duration.ofMinutes(60));
            assertThat(spotChurn.family()).isEqualTo("ci");
            assertThat(spotChurn.key()).isEqualTo("job");
            assertThat(spotChurn.severity()).isEqualTo(Severity.HIGH);
            assertThat(spotChurn.action()).contains("{key}").contains("{resolve-after}");
        }

        @Test
        void everyRuleHasTheFamilyKeyAndParametersTheReadmeDocuments() {
            Map<String, Documented> readme = Map.of(
                    "test-regression", new Documented("regressions", "test", Map.of(
                            "max-suspects", 10L, "max-commits", 500L, "history", days(7), "resolve-after", days(7))),
                    "flaky-test", new Documented("flaky-tests", "test-and-commit", Map.of(
                            "window", hours(24), "resolve-after", hours(24))),
                    "spot-churn", new Documented("ci", "job", Map.of(
                            "threshold", 3L, "window", minutes(60), "resolve-after", minutes(60))),
                    "fleet-breaker", new Documented("ci", "region", Map.of(
                            "threshold", 10L, "window", minutes(15), "resolve-after", minutes(30))),
                    "failing-builds", new Documented("ci", "repo", Map.of(
                            "threshold", 3L, "window", minutes(30), "resolve-after", minutes(30))),
                    "agent-loop", new Documented("agent", "task", Map.of(
                            "max-attempts", 5L, "repeats", 3L, "of-last", 5L, "window", hours(6), "resolve-after", hours(1))),
                    "model-api-breaker", new Documented("agent", "provider", Map.of(
                            "failures", 5L, "window", minutes(30), "resolve-after", hours(1))),
                    "mcp-unhealthy", new Documented("agent", "server", Map.of(
                            "timeouts", 3L, "window", minutes(5), "resolve-after", minutes(30))),
                    "error-to-success", new Documented("fixes", "signature", Map.of("window", hours(24))),
                    "baseline-regression", new Documented("regressions", "subject", Map.of(
                            "bucket", minutes(5), "buckets", 12L, "forget-after", days(30), "latency-worse-percent", 20L,
                            "error-rate-worse-points", 5L, "vital-worse-percent", 20L, "min-samples", 5L)));

            assertThat(readme.keySet()).containsExactlyInAnyOrderElementsOf(Rules.ids());
            assertThat(RuleFiles.bundled()).allSatisfy(spec -> {
                Documented documented = readme.get(spec.rule());
                assertThat(spec.family()).as(spec.rule() + " family").isEqualTo(documented.family());
                assertThat(spec.key()).as(spec.rule() + " key").isEqualTo(documented.key());
                assertThat(spec.params()).as(spec.rule() + " parameters").isEqualTo(documented.params());
            });
        }

        @Test
        void theBundledFilesSpellOutTheSchemaDefaults() {
            assertThat(RuleFiles.bundled()).allSatisfy(spec -> {
                Map<String, Long> defaults = Rules.type(spec.rule()).schema().params().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().defaultValue()));
                assertThat(spec.params()).as(spec.rule()).isEqualTo(defaults);
                assertThat(spec.key()).as(spec.rule()).isEqualTo(Rules.type(spec.rule()).schema().keys().get(0));
            });
        }

        @Test
        void theRepositorysCepRulesDirectoryGivesTheSameSpecsAsTheBundledCopies() {
            List<RuleSpec> loaded = RuleFiles.load(REPOSITORY_RULES);
            List<RuleSpec> bundled = RuleFiles.bundled();

            assertThat(byRule(loaded).keySet()).isEqualTo(byRule(bundled).keySet());
            assertThat(loaded).allSatisfy(spec -> {
                assertThat(spec.file()).isEqualTo(REPOSITORY_RULES.resolve(spec.rule() + ".yaml").toString());
                assertThat(spec).usingRecursiveComparison().ignoringFields("file").isEqualTo(byRule(bundled).get(spec.rule()));
            });
        }

        @Test
        void aDirectoryLoadsInFileNameOrder() {
            assertThat(RuleFiles.load(REPOSITORY_RULES)).extracting(RuleSpec::rule).isSortedAccordingTo(Comparator.naturalOrder());
        }

        private RuleSpec bundled(String rule) {
            return byRule(RuleFiles.bundled()).get(rule);
        }
    }

    @Nested
    class AValidFile {

        @Test
        void withOnlyTheRequiredFieldsGetsTheFirstKeyAndTheDefaultParameters() {
            RuleSpec spec = parse("spot-churn.yaml", SPOT_CHURN).orElseThrow();

            assertThat(spec.rule()).isEqualTo("spot-churn");
            assertThat(spec.file()).isEqualTo("spot-churn.yaml");
            assertThat(spec.description()).isEqualTo("One CI job keeps losing its spot runner.");
            assertThat(spec.severity()).isEqualTo(Severity.HIGH);
            assertThat(spec.key()).isEqualTo("job");
            assertThat(spec.action()).isEqualTo("Force on-demand capacity for job {key}.");
            assertThat(spec.count("threshold")).isEqualTo(3);
            assertThat(spec.duration("window")).isEqualTo(Duration.ofMinutes(60));
            assertThat(spec.duration("resolve-after")).isEqualTo(Duration.ofMinutes(60));
        }

        @Test
        void overridesParametersWithCountsAndDurationsInEveryUnit() {
            RuleSpec spec = parse("test-regression.yaml", """
                    rule: test-regression
                    description: A test went red.
                    family: regressions
                    severity: critical
                    max-suspects: 20
                    max-commits: 1000
                    history: 36h
                    resolve-after: 90s
                    action: Look at {suspect-commits}.
                    """).orElseThrow();

            assertThat(spec.count("max-suspects")).isEqualTo(20);
            assertThat(spec.count("max-commits")).isEqualTo(1000);
            assertThat(spec.duration("history")).isEqualTo(Duration.ofHours(36));
            assertThat(spec.duration("resolve-after")).isEqualTo(Duration.ofSeconds(90));
            assertThat(spec.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(parse("spot-churn.yaml", SPOT_CHURN + "window: 1d\n").orElseThrow().duration("window"))
                    .isEqualTo(Duration.ofDays(1));
        }

        @Test
        void mayGroupByAnyOfItsRulesKeys() {
            RuleSpec spec = parse("fleet-breaker.yaml", """
                    rule: fleet-breaker
                    description: Spot capacity is being reclaimed.
                    family: ci
                    severity: critical
                    key: tenant
                    action: Stop launching spot runners in {key}.
                    """).orElseThrow();

            assertThat(spec.key()).isEqualTo("tenant");
        }

        @Test
        void acceptsParametersAtTheBoundsOfTheirRanges() {
            RuleSpec spec = parse("spot-churn.yaml", SPOT_CHURN + "threshold: 2\nwindow: 1m\nresolve-after: 7d\n").orElseThrow();

            assertThat(spec.count("threshold")).isEqualTo(2);
            assertThat(spec.duration("window")).isEqualTo(Duration.ofMinutes(1));
            assertThat(spec.duration("resolve-after")).isEqualTo(Duration.ofDays(7));
            assertThat(parse("spot-churn.yaml", SPOT_CHURN + "threshold: 100\n").orElseThrow().count("threshold")).isEqualTo(100);
        }

        @Test
        void ofAgentLoopMayAskForAsManyRepeatsAsAttemptsItLooksAt() {
            RuleSpec spec = parse("agent-loop.yaml", AGENT_LOOP + "repeats: 4\nof-last: 4\n").orElseThrow();

            assertThat(spec.count("repeats")).isEqualTo(4);
            assertThat(spec.count("of-last")).isEqualTo(4);
        }

        @Test
        void thatSaysEnabledFalseLeavesTheRuleOut() {
            assertThat(parse("spot-churn.yaml", SPOT_CHURN + "enabled: false\n")).isEmpty();
            assertThat(parse("spot-churn.yaml", SPOT_CHURN + "enabled: true\n")).isPresent();
        }

        @Test
        void thatIsSwitchedOffIsStillChecked() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "enabled: false\nthreshold: 1\n")
                    .hasMessage("spot-churn.yaml: field 'threshold' must be a whole number from 2 to 100, got 1");
        }
    }

    @Nested
    class AFileIsRejectedNamingTheFileAndTheField {

        @Test
        void whenAFieldIsUnknown() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "treshold: 3\n")
                    .hasMessage("spot-churn.yaml: field 'treshold' is not known to rule 'spot-churn'; allowed: "
                            + "[rule, description, family, severity, key, action, enabled, threshold, window, resolve-after]");
        }

        @Test
        void whenAnotherRulesParameterIsGiven() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "max-attempts: 5\n")
                    .hasMessageStartingWith("spot-churn.yaml: field 'max-attempts' is not known to rule 'spot-churn'")
                    .hasMessageContaining("threshold, window, resolve-after");
        }

        @Test
        void whenACountIsBelowItsRangeAsTheReadmeShows() {
            assertRejected("cep-rules/spot-churn.yaml", SPOT_CHURN + "threshold: 1\n")
                    .hasMessage("cep-rules/spot-churn.yaml: field 'threshold' must be a whole number from 2 to 100, got 1");
        }

        @Test
        void whenACountIsAboveItsRange() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "threshold: 101\n")
                    .hasMessage("spot-churn.yaml: field 'threshold' must be a whole number from 2 to 100, got 101");
        }

        @Test
        void whenACountIsNegative() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "threshold: -3\n")
                    .hasMessage("spot-churn.yaml: field 'threshold' must be a whole number from 2 to 100, got -3");
        }

        @Test
        void whenACountIsTooLargeForANumber() {
            // 2^64 + 3: must not wrap around to 3.
            assertRejected("spot-churn.yaml", SPOT_CHURN + "threshold: 18446744073709551619\n")
                    .hasMessage("spot-churn.yaml: field 'threshold' must be a whole number from 2 to 100, got 18446744073709551619");
        }

        @Test
        void whenACountIsGivenAsText() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "threshold: \"3\"\n")
                    .hasMessage("spot-churn.yaml: field 'threshold' must be a whole number from 2 to 100, got \"3\"");
            assertRejected("spot-churn.yaml", SPOT_CHURN + "threshold: three\n")
                    .hasMessage("spot-churn.yaml: field 'threshold' must be a whole number from 2 to 100, got \"three\"");
        }

        @Test
        void whenACountIsNotWhole() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "threshold: 2.5\n")
                    .hasMessage("spot-churn.yaml: field 'threshold' must be a whole number from 2 to 100, got 2.5");
        }

        @Test
        void whenADurationCannotBeRead() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "window: soon\n")
                    .hasMessageStartingWith("spot-churn.yaml: field 'window' must be a duration from PT1M to PT24H")
                    .hasMessageContaining("for example 90s, 60m, 24h or 7d")
                    .hasMessageEndingWith("got 'soon'");
        }

        @Test
        void whenADurationHasNoUnit() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "window: 60\n")
                    .hasMessageStartingWith("spot-churn.yaml: field 'window' must be a duration from PT1M to PT24H")
                    .hasMessageEndingWith("got 60");
        }

        @Test
        void whenADurationIsAboveItsRange() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "window: 2d\n")
                    .hasMessage("spot-churn.yaml: field 'window' must be a duration from PT1M to PT24H,"
                            + " for example 90s, 60m, 24h or 7d, got '2d'");
        }

        @Test
        void whenADurationIsBelowItsRange() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "resolve-after: 30s\n")
                    .hasMessage("spot-churn.yaml: field 'resolve-after' must be a duration from PT1M to PT168H,"
                            + " for example 90s, 60m, 24h or 7d, got '30s'");
        }

        @Test
        void whenADurationIsTooLargeForTheClock() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "window: 9223372036854775807s\n")
                    .hasMessageStartingWith("spot-churn.yaml: field 'window' must be a duration from PT1M to PT24H")
                    .hasMessageEndingWith("got '9223372036854775807s'");
        }

        @Test
        void whenTheFamilyIsNotTheRules() {
            assertRejected("spot-churn.yaml", SPOT_CHURN.replace("family: ci", "family: agent"))
                    .hasMessage("spot-churn.yaml: field 'family' is 'agent'; allowed: [ci]");
        }

        @Test
        void whenTheSeverityIsUnknown() {
            assertRejected("spot-churn.yaml", SPOT_CHURN.replace("severity: high", "severity: urgent"))
                    .hasMessage("spot-churn.yaml: field 'severity' is 'urgent'; allowed: [info, warning, high, critical]");
        }

        @Test
        void whenTheKeyIsNotOneTheRuleCanGroupBy() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "key: tenant\n")
                    .hasMessage("spot-churn.yaml: field 'key' is 'tenant'; allowed: [job]");
            assertRejected("fleet-breaker.yaml", """
                    rule: fleet-breaker
                    description: Spot capacity is being reclaimed.
                    family: ci
                    severity: critical
                    key: job
                    action: Stop launching spot runners in {key}.
                    """).hasMessage("fleet-breaker.yaml: field 'key' is 'job'; allowed: [region, instance-type, tenant]");
        }

        @ParameterizedTest
        @ValueSource(strings = {"description", "family", "severity", "action"})
        void whenARequiredFieldIsMissing(String field) {
            String yaml = SPOT_CHURN.lines().filter(line -> !line.startsWith(field + ":"))
                    .collect(Collectors.joining("\n", "", "\n"));

            assertRejected("spot-churn.yaml", yaml).hasMessage("spot-churn.yaml: field '" + field + "' is missing");
        }

        @Test
        void whenARequiredFieldIsEmpty() {
            assertRejected("spot-churn.yaml", SPOT_CHURN.replace("description: One CI job keeps losing its spot runner.", "description: \"  \""))
                    .hasMessage("spot-churn.yaml: field 'description' must be non-empty text, got \"  \"");
            assertRejected("spot-churn.yaml", SPOT_CHURN.replace("action: Force on-demand capacity for job {key}.", "action:"))
                    .hasMessage("spot-churn.yaml: field 'action' is missing");
        }

        @Test
        void whenEnabledIsNotABoolean() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "enabled: \"false\"\n")
                    .hasMessage("spot-churn.yaml: field 'enabled' must be true or false, got \"false\"");
        }

        @Test
        void whenTheRuleIsMissing() {
            assertRejected("spot-churn.yaml", SPOT_CHURN.replace("rule: spot-churn\n", ""))
                    .hasMessage("spot-churn.yaml: field 'rule' is missing");
        }

        @Test
        void whenTheRuleIsUnknown() {
            assertRejected("spot-churning.yaml", SPOT_CHURN.replace("rule: spot-churn", "rule: spot-churning"))
                    .hasMessage("spot-churning.yaml: field 'rule' is 'spot-churning', which is not a rule; allowed: " + Rules.ids())
                    .hasMessageContaining("spot-churn, fleet-breaker");
        }

        @Test
        void whenTheFileIsNotNamedAfterItsRule() {
            assertRejected("churn.yaml", SPOT_CHURN)
                    .hasMessage("churn.yaml: the file of rule 'spot-churn' must be named spot-churn.yaml");
            assertRejected("cep-rules/flaky-test.yaml", SPOT_CHURN)
                    .hasMessage("cep-rules/flaky-test.yaml: the file of rule 'spot-churn' must be named spot-churn.yaml");
        }

        @Test
        void whenItIsNotValidYaml() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "window: [60m\n")
                    .hasMessageStartingWith("spot-churn.yaml: not valid YAML: ")
                    .hasMessageContaining("(line ");
        }

        @Test
        void whenItIsAListInsteadOfAMapping() {
            assertRejected("spot-churn.yaml", "- rule: spot-churn\n- threshold: 3\n")
                    .hasMessage("spot-churn.yaml: a rule file is a YAML mapping of fields, starting with 'rule: <id>'");
        }

        @Test
        void whenItIsEmpty() {
            assertRejected("spot-churn.yaml", "")
                    .hasMessage("spot-churn.yaml: a rule file is a YAML mapping of fields, starting with 'rule: <id>'");
            assertRejected("spot-churn.yaml", "# nothing but a comment\n")
                    .hasMessage("spot-churn.yaml: a rule file is a YAML mapping of fields, starting with 'rule: <id>'");
        }

        @Test
        void whenAFieldIsGivenTwice() {
            assertRejected("spot-churn.yaml", SPOT_CHURN + "threshold: 3\nthreshold: 4\n")
                    .hasMessageStartingWith("spot-churn.yaml: not valid YAML: ")
                    .hasMessageContaining("'threshold'");
        }

        @Test
        void whenAgentLoopAsksForMoreRepeatsThanAttemptsItLooksAt() {
            assertRejected("agent-loop.yaml", AGENT_LOOP + "repeats: 5\nof-last: 4\n")
                    .hasMessage("agent-loop.yaml: field 'repeats' (5) must not exceed 'of-last' (4)");
        }
    }

    @Nested
    class ADirectory {

        @TempDir
        Path dir;

        @Test
        void loadsEveryYamlFileAndIgnoresOtherFiles() throws IOException {
            write("spot-churn.yaml", SPOT_CHURN);
            write("flaky-test.yaml", FLAKY_TEST);
            write("README.md", "# not a rule");

            assertThat(RuleFiles.load(dir)).extracting(RuleSpec::rule).containsExactly("flaky-test", "spot-churn");
        }

        @Test
        void leavesOutARuleWhoseFileSaysEnabledFalse() throws IOException {
            write("spot-churn.yaml", SPOT_CHURN + "enabled: false\n");
            write("flaky-test.yaml", FLAKY_TEST);

            assertThat(RuleFiles.load(dir)).extracting(RuleSpec::rule).containsExactly("flaky-test");
        }

        @Test
        void withABadFileIsRejectedNamingTheFileByItsPath() throws IOException {
            write("flaky-test.yaml", FLAKY_TEST);
            write("spot-churn.yaml", SPOT_CHURN + "threshold: 1\n");

            assertThatThrownBy(() -> RuleFiles.load(dir))
                    .isInstanceOf(RuleFileException.class)
                    .hasMessage(dir.resolve("spot-churn.yaml") + ": field 'threshold' must be a whole number from 2 to 100, got 1");
        }

        @Test
        void withAFileNamedAfterAnotherRuleIsRejected() throws IOException {
            write("churn.yaml", SPOT_CHURN);

            assertThatThrownBy(() -> RuleFiles.load(dir))
                    .isInstanceOf(RuleFileException.class)
                    .hasMessage(dir.resolve("churn.yaml") + ": the file of rule 'spot-churn' must be named spot-churn.yaml");
        }

        @Test
        void thatIsEmptyIsRejectedPointingAtTheReadme() {
            assertThatThrownBy(() -> RuleFiles.load(dir))
                    .isInstanceOf(RuleFileException.class)
                    .hasMessage(dir + ": no *.yaml rule files; the rules are documented in cep-rules/README.md");
        }

        @Test
        void withoutYamlFilesIsRejectedLikeAnEmptyOne() throws IOException {
            write("README.md", "# not a rule");

            assertThatThrownBy(() -> RuleFiles.load(dir))
                    .isInstanceOf(RuleFileException.class)
                    .hasMessage(dir + ": no *.yaml rule files; the rules are documented in cep-rules/README.md");
        }

        @Test
        void thatDoesNotExistIsRejectedNamingIt() {
            Path missing = dir.resolve("no-such-rules");

            assertThatThrownBy(() -> RuleFiles.load(missing))
                    .isInstanceOf(RuleFileException.class)
                    .hasMessage(missing + ": no such directory of rule files");
        }

        @Test
        void thatIsAFileIsRejectedLikeAMissingOne() throws IOException {
            Path file = write("spot-churn.yaml", SPOT_CHURN);

            assertThatThrownBy(() -> RuleFiles.load(file))
                    .isInstanceOf(RuleFileException.class)
                    .hasMessage(file + ": no such directory of rule files");
        }

        private Path write(String name, String text) throws IOException {
            return Files.writeString(dir.resolve(name), text);
        }
    }

    private static Optional<RuleSpec> parse(String file, String yaml) {
        return RuleFiles.parse(file, yaml);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String file, String yaml) {
        return assertThatThrownBy(() -> RuleFiles.parse(file, yaml)).isInstanceOf(RuleFileException.class);
    }

    private static Map<String, RuleSpec> byRule(List<RuleSpec> specs) {
        return specs.stream().collect(Collectors.toMap(RuleSpec::rule, Function.identity()));
    }

    private static long minutes(long minutes) {
        return Duration.ofMinutes(minutes).toMillis();
    }

    private static long hours(long hours) {
        return Duration.ofHours(hours).toMillis();
    }

    private static long days(long days) {
        return Duration.ofDays(days).toMillis();
    }

    private record Documented(String family, String key, Map<String, Long> params) {}
}
