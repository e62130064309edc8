package dev.braid.detect.functions;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.mcpProbe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.Findings;
import dev.braid.detect.rules.RuleFiles;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.schema.Alert;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.MeteredHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Alerts from findings; a finding that cannot become one is counted; a lull does not hold one back. */
class TrackAlertsTest {

    private static final long MIN = 60_000;
    private static final Duration LULL_WAIT = Duration.ofSeconds(60);
    private static final Map<String, RuleSpec> RULES = RuleFiles.bundled().stream()
            .collect(Collectors.toMap(RuleSpec::rule, spec -> spec));

    @Test
    void findingsNoWatermarkPassesAreAppliedInTimeOrderAfterTheLullWaitAndOnlyOnce() throws Exception {
        NormalizedEvent down = mcpProbe("down", MIN, "playwright", "down");
        NormalizedEvent stillDown = mcpProbe("still-down", 2 * MIN, "playwright", "down");
        Finding first = Findings.fire("mcp-unhealthy", "playwright", List.of(down), "MCP server playwright is down", Map.of());
        Finding second = Findings.fire("mcp-unhealthy", "playwright", List.of(stillDown), "MCP server playwright is still down",
                Map.of());
        try (var metered = new MeteredHarness<String, Finding, Alert>(new TrackAlerts(RULES, LULL_WAIT), TrackAlerts::alertKey,
                Types.STRING)) {
            metered.wallClock(0);
            // Judged on arrival just before every input went quiet: no watermark comes to pass them.
            metered.harness().processElement(second, second.getLastEventTime());
            metered.harness().processElement(first, first.getLastEventTime());
            metered.wallClock(LULL_WAIT.toMillis() - 1);
            assertThat(metered.harness().extractOutputValues()).isEmpty();

            metered.wallClock(LULL_WAIT.toMillis());

            assertThat(metered.harness().extractOutputValues()).extracting(Alert::getRevision, Alert::getMessage).containsExactly(
                    tuple(1, "MCP server playwright is down"), tuple(2, "MCP server playwright is still down"));
            assertThat(metered.count(TrackAlerts.FINDINGS_APPLIED_IN_LULL)).isEqualTo(2);
            assertThat(metered.count("rule=mcp-unhealthy", TrackAlerts.ALERTS_PUBLISHED)).as("revisions published, counted per rule").isEqualTo(2);

            metered.harness().processWatermark(T0 + 3 * MIN);
            assertThat(metered.harness().extractOutputValues()).as("the watermark, when it comes, applies nothing twice").hasSize(2);
        }
    }

    @Test
    void aFindingOfARuleTheJobNoLongerRunsIsCountedAndPublishesNothing() throws Exception {
        Map<String, RuleSpec> withoutMcp = RuleFiles.bundled().stream()
                .filter(spec -> !spec.rule().equals("mcp-unhealthy"))
                .collect(Collectors.toMap(RuleSpec::rule, spec -> spec));
        NormalizedEvent down = mcpProbe("down", MIN, "playwright", "down");
        Finding waiting = Findings.fire("mcp-unhealthy", "playwright", List.of(down), "MCP server playwright is down", Map.of());
        try (var metered = new MeteredHarness<String, Finding, Alert>(new TrackAlerts(withoutMcp, LULL_WAIT), TrackAlerts::alertKey,
                Types.STRING)) {
            metered.wallClock(0);
            metered.harness().processElement(waiting, waiting.getLastEventTime());
            metered.harness().processWatermark(T0 + 2 * MIN);
            metered.wallClock(LULL_WAIT.toMillis()); // its wall-time timer finds nothing left

            assertThat(metered.harness().extractOutputValues()).isEmpty();
            assertThat(metered.count(TrackAlerts.FINDINGS_OF_REMOVED_RULES)).isEqualTo(1);
            assertThat(metered.held()).isEmpty();
        }
    }
}
