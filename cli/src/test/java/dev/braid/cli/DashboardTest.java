package dev.braid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard of docker/grafana charts the counters the jobs have, by the names docs/metrics.md gives. */
class DashboardTest {

    private static final Pattern OPERATOR_METRIC = Pattern.compile("flink_taskmanager_job_task_operator_(?:rule_)?([A-Za-z]+_?)");
    /** Flink's own operator metrics the dashboard charts beside Braid's. */
    private static final Set<String> FLINK_METRICS = Set.of("pendingRecords");

    @Test
    void everyBraidCounterTheDashboardChartsIsOneTheJobsCount() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("..", "docker", "grafana", "braid-dashboard.json").toFile());
        String documented = Files.readString(Path.of("..", "docs", "metrics.md"));

        Set<String> charted = new TreeSet<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target -> {
            Matcher metric = OPERATOR_METRIC.matcher(target.path("expr").asText());
            while (metric.find()) {
                charted.add(metric.group(1));
            }
        }));

        assertThat(charted).contains("eventsOut", "deadLetters_", "alertsPublished", "duplicatesDropped");
        charted.removeAll(FLINK_METRICS);
        assertThat(charted).allSatisfy(counter -> assertThat(documented).as("docs/metrics.md").contains("`" + counter));
    }
}
