package dev.braid.detect.rules.agent;

import dev.braid.detect.cep.CepDetection;
import dev.braid.detect.cep.RunDetection;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.AlertRule;
import dev.braid.detect.rules.Clearing;
import dev.braid.detect.rules.EventFields;
import dev.braid.detect.rules.Findings;
import dev.braid.detect.rules.ObservedEvents;
import dev.braid.detect.rules.RuleSchema;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.detect.rules.RunDetector;
import dev.braid.schema.McpHealth;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MCP server unhealthy (seed 004): {@code timeouts} timeouts of one server within {@code window},
 * or one down event. A probe that finds it up resolves the alert.
 */
public final class McpUnhealthy implements AlertRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "mcp-unhealthy";

    @Override
    public RuleSchema schema() {
        return RuleSchema.of(RULE)
                .families("agent")
                .keys("server")
                .count("timeouts", 1, 1000, 3, "timeouts of one server that make it unhealthy")
                .duration("window", Duration.ofSeconds(10), Duration.ofDays(1), Duration.ofMinutes(5),
                        "the timeouts must fall within this span")
                .duration("resolve-after", Duration.ofMinutes(1), Duration.ofDays(7), Duration.ofMinutes(30),
                        "backstop: the alert resolves after this long without a problem even if no probe finds it up")
                .build();
    }

    @Override
    public DataStream<Finding> detect(ObservedEvents events, RuleSpec spec) {
        return RunDetection.run(events, RULE, new Probes("timeouts", "timeout", spec.count("timeouts"), spec.duration("window")))
                .union(RunDetection.run(events, RULE, new Probes("down", "down", 1, spec.duration("window"))))
                .union(CepDetection.clear(events, RULE, new ServerUp()));
    }

    static String status(NormalizedEvent event) {
        McpHealth health = EventFields.mcpHealth(event);
        return health == null || health.getServer() == null ? null : health.getStatus();
    }

    static String server(NormalizedEvent event) {
        return EventFields.mcpHealth(event).getServer();
    }

    /** {@code count} probes of one server with the given status within the window. */
    static final class Probes extends RunDetector {

        private static final long serialVersionUID = 1L;

        private final String status;

        Probes(String name, String status, int count, Duration window) {
            super(name, count, window);
            this.status = status;
        }

        @Override
        public boolean selects(NormalizedEvent event) {
            return status.equals(status(event));
        }

        @Override
        public String key(NormalizedEvent event) {
            return server(event);
        }

        @Override
        public Finding onRun(List<NormalizedEvent> probes) {
            NormalizedEvent last = probes.get(probes.size() - 1);
            McpHealth health = EventFields.mcpHealth(last);
            long span = last.getEventTime().toEpochMilli() - probes.get(0).getEventTime().toEpochMilli();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("server", health.getServer());
            details.put("status", status);
            details.put(name(), Integer.toString(probes.size()));
            if (health.getError() != null) {
                details.put("last-error", health.getError());
            }
            String what = count == 1 ? "is down" : "timed out " + probes.size() + " times in " + Findings.span(span);
            return Findings.fire(RULE, health.getServer(), probes,
                    "MCP server " + health.getServer() + " " + what
                            + (health.getError() == null ? "" : ": " + health.getError()),
                    details);
        }
    }

    /** A probe that finds the server up. */
    static final class ServerUp implements Clearing {

        private static final long serialVersionUID = 1L;

        @Override
        public String name() {
            return "up";
        }

        @Override
        public String clears(NormalizedEvent event) {
            return "up".equals(status(event)) ? server(event) : null;
        }

        @Override
        public String message(NormalizedEvent event) {
            return "MCP server " + server(event) + " is up again";
        }
    }
}
