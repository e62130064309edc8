package dev.braid.detect.functions;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.mcpProbe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.Findings;
import dev.braid.detect.rules.RuleFiles;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.schema.Alert;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.MeteredHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Alerts from findings; a finding that cannot become one is counted. */
class TrackAlertsTest {

    private static final long MIN = 60_000;

    @Test
    void aFindingOfARuleTheJobNoLongerRunsIsCountedAndPublishesNothing() throws Exception {
        Map<String, RuleSpec> withoutMcp = RuleFiles.bundled().stream()
                .filter(spec -> !spec.rule().equals("mcp-unhealthy"))
                .collect(Collectors.toMap(RuleSpec::rule, spec -> spec));
        NormalizedEvent down = mcpProbe("down", MIN, "playwright", "down");
        Finding waiting = Findings.fire("mcp-unhealthy", "playwright", List.of(down), "MCP server playwright is down", Map.of());
        try (var metered = new MeteredHarness<String, Finding, Alert>(new TrackAlerts(withoutMcp), TrackAlerts::alertKey, Types.STRING)) {
            metered.harness().processElement(waiting, waiting.getLastEventTime());
            metered.harness().processWatermark(T0 + 2 * MIN);

            assertThat(metered.harness().extractOutputValues()).isEmpty();
            assertThat(metered.count(TrackAlerts.FINDINGS_OF_REMOVED_RULES)).isEqualTo(1);
            assertThat(metered.held()).isEmpty();
        }
    }
}
