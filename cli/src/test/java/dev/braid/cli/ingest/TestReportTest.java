package dev.braid.cli.ingest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TestReportTest {

    @Test
    void theRunIsTheFlagElseTheCiRunElseANewOne() {
        Map<String, String> github = Map.of("GITHUB_RUN_ID", "9001", "GITHUB_RUN_ATTEMPT", "2", "CI_PIPELINE_ID", "7");

        assertThat(TestReport.runId("local-1", github)).isEqualTo("local-1");
        assertThat(TestReport.runId(null, github)).isEqualTo("9001-2");
        assertThat(TestReport.runId(null, Map.of("GITHUB_RUN_ID", "9001"))).isEqualTo("9001");
        assertThat(TestReport.runId(null, Map.of("CI_PIPELINE_ID", "7"))).isEqualTo("7");
        assertThat(TestReport.runId(null, Map.of("BUILDKITE_BUILD_ID", "0190-ab"))).isEqualTo("0190-ab");
        assertThat(UUID.fromString(TestReport.runId(" ", Map.of()))).isNotNull();
    }

    @Test
    void theIdChangesWithTheReportAndWithTheRun() {
        byte[] report = "<testsuites/>".getBytes(StandardCharsets.UTF_8);
        String id = TestReport.headers(report, "1", null).get(BraidHeaders.ID);

        assertThat(TestReport.headers(report.clone(), "1", null).get(BraidHeaders.ID)).isEqualTo(id);
        assertThat(TestReport.headers(report, "2", null).get(BraidHeaders.ID)).isNotEqualTo(id);
        assertThat(TestReport.headers("<testsuites></testsuites>".getBytes(StandardCharsets.UTF_8), "1", null)
                .get(BraidHeaders.ID)).isNotEqualTo(id);
        assertThat(id).hasSize(64).matches("[0-9a-f]+");
    }
}
