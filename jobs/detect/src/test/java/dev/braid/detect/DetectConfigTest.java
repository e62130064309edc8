package dev.braid.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.detect.rules.RuleFileException;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.detect.rules.Rules;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

class DetectConfigTest {

    private static final String BOOTSTRAP = "braid.kafka.bootstrap-servers";
    /** The repository's rule directory; Surefire runs in the module directory, jobs/detect. */
    private static final Path REPOSITORY_RULES = Path.of("../../cep-rules");

    @TempDir
    Path rulesDir;

    @Test
    void defaultsRunEveryBundledRule() {
        DetectConfig config = DetectConfig.from(config(Map.of()));

        assertThat(config.rules()).extracting(RuleSpec::rule).containsExactlyElementsOf(Rules.ids()).hasSize(10);
        assertThat(config.rules()).extracting(RuleSpec::file).allSatisfy(file -> assertThat(file).startsWith("cep-rules/"));
        assertThat(config.groupId()).isEqualTo("braid-detect");
        assertThat(config.outOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.idleness()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everySettingIsConfigurable() throws IOException {
        copyRule("spot-churn");
        DetectConfig config = DetectConfig.from(config(Map.of(
                "braid.detect.group-id", "team-detect",
                "braid.detect.rules-dir", rulesDir.toString(),
                "braid.detect.out-of-orderness", "2 s",
                "braid.detect.idleness", "1 min")));

        assertThat(config.groupId()).isEqualTo("team-detect");
        assertThat(config.outOfOrderness()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.idleness()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.rules()).extracting(RuleSpec::rule).containsExactly("spot-churn");
    }

    @Test
    void aTypoInAnOptionStopsTheStartNamingIt() {
        assertThatThrownBy(() -> DetectConfig.from(config(Map.of("braid.detect.rule-dir", rulesDir.toString()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option(s) [braid.detect.rule-dir]")
                .hasMessageContaining("the detect job knows")
                .hasMessageContaining("braid.detect.rules-dir");
    }

    @Test
    void aRulesDirectoryWithABadFileStopsTheStartNamingTheFileAndField() throws IOException {
        copyRule("flaky-test");
        Files.writeString(rulesDir.resolve("spot-churn.yaml"),
                Files.readString(REPOSITORY_RULES.resolve("spot-churn.yaml")).replace("threshold: 3 ", "threshold: 1 "));

        assertThatThrownBy(() -> DetectConfig.from(config(Map.of("braid.detect.rules-dir", rulesDir.toString()))))
                .isInstanceOf(RuleFileException.class)
                .hasMessage(rulesDir.resolve("spot-churn.yaml") + ": field 'threshold' must be a whole number from 2 to 100, got 1");
    }

    @Test
    void aRulesDirectoryWithTwoRuleFilesRunsOnlyThoseTwo() throws IOException {
        copyRule("spot-churn");
        copyRule("agent-loop");

        DetectConfig config = DetectConfig.from(config(Map.of("braid.detect.rules-dir", rulesDir.toString())));

        assertThat(config.rules()).extracting(RuleSpec::rule).containsExactly("agent-loop", "spot-churn");
        assertThat(config.rules()).extracting(RuleSpec::file)
                .containsExactly(rulesDir.resolve("agent-loop.yaml").toString(), rulesDir.resolve("spot-churn.yaml").toString());
    }

    @Test
    void aRulesDirectoryThatDoesNotExistIsNamed() {
        Path missing = rulesDir.resolve("missing");

        assertThatThrownBy(() -> DetectConfig.from(config(Map.of("braid.detect.rules-dir", missing.toString()))))
                .isInstanceOf(RuleFileException.class)
                .hasMessage(missing + ": no such directory of rule files");
    }

    @Test
    void aNonPositiveOutOfOrdernessIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> DetectConfig.from(config(Map.of("braid.detect.out-of-orderness", "0 s"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("braid.detect.out-of-orderness = ")
                .hasMessageContaining("must be positive");
    }

    @Test
    void badRuleFilesFromTheCommandLineAreReportedAsAnInvalidConfiguration() throws IOException {
        Files.writeString(rulesDir.resolve("churn.yaml"), Files.readString(REPOSITORY_RULES.resolve("spot-churn.yaml")));

        assertThatThrownBy(() -> DetectJob.configFromArgs(new String[] {
                "--" + BOOTSTRAP, "localhost:9092", "--braid.detect.rules-dir", rulesDir.toString()}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid detect configuration: " + rulesDir.resolve("churn.yaml")
                        + ": the file of rule 'spot-churn' must be named spot-churn.yaml")
                .hasCauseInstanceOf(RuleFileException.class);
    }

    @Test
    void missingBrokersAreNamed() {
        assertThatThrownBy(() -> DetectJob.configFromArgs(new String[0]))
                .hasMessageStartingWith("invalid detect configuration: ")
                .hasMessageContaining("braid.kafka.bootstrap-servers is missing");
    }

    private static Configuration config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put(BOOTSTRAP, "localhost:9092");
        return Configuration.fromMap(all);
    }

    private void copyRule(String rule) throws IOException {
        Files.copy(REPOSITORY_RULES.resolve(rule + ".yaml"), rulesDir.resolve(rule + ".yaml"));
    }
}
