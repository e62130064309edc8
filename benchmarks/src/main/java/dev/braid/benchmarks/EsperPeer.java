package dev.braid.benchmarks;

import dev.braid.detect.rules.RuleSpec;
import dev.braid.detect.rules.agent.AgentLoop;
import dev.braid.detect.rules.ci.FailingBuilds;
import dev.braid.detect.rules.ci.SpotChurn;
import dev.braid.schema.NormalizedEvent;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The peer: Braid's spot-churn, failing-builds and agent-loop rules written in Esper EPL
 * ({@code braid-rules.epl}), with the rule files' parameters as constants, run on the calling
 * thread with the events' time as the clock.
 */
final class EsperPeer {

    private static final String EVENT_TYPE = "Event";
    private static final String EPL = "braid-rules.epl";
    private static final Set<String> RULES = Set.of(SpotChurn.RULE, FailingBuilds.RULE, AgentLoop.RULE);

    private final Configuration configuration;
    private final EPCompiled compiled;
    private final long longestQuiet;
    private int runs;

    private EsperPeer(Configuration configuration, EPCompiled compiled, long longestQuiet) {
        this.configuration = configuration;
        this.compiled = compiled;
        this.longestQuiet = longestQuiet;
    }

    /** Compiles the EPL once, with the given rules' parameters. */
    static EsperPeer compile(List<RuleSpec> rules) throws EPCompileException {
        Configuration configuration = new Configuration();
        configuration.getCommon().addEventType(EVENT_TYPE, NormalizedEvent.class);
        configuration.getRuntime().getThreading().setInternalTimerEnabled(false);
        long longestQuiet = 0;
        for (RuleSpec rule : rules) {
            declareParameters(configuration, rule);
            longestQuiet = Math.max(longestQuiet, quietAfter(rule));
        }
        EPCompiled compiled = EPCompilerProvider.getCompiler().compile(epl(), new CompilerArguments(configuration));
        return new EsperPeer(configuration, compiled, longestQuiet);
    }

    /**
     * Each parameter as a constant named after rule and field ({@code agent-loop}'s {@code of-last}
     * is {@code agentLoopOfLast}): counts as int, durations in milliseconds, and the quiet timer's wait.
     */
    private static void declareParameters(Configuration configuration, RuleSpec rule) {
        if (!RULES.contains(rule.rule())) {
            throw new IllegalArgumentException("the peer has no EPL for rule " + rule.rule());
        }
        if (rule.rule().equals(FailingBuilds.RULE) && !rule.key().equals("repo")) {
            throw new IllegalArgumentException("the peer's failing-builds groups by repo, not " + rule.key());
        }
        for (Map.Entry<String, Long> param : rule.params().entrySet()) {
            String name = constant(rule.rule(), param.getKey());
            if (rule.isDuration(param.getKey())) {
                configuration.getCommon().addVariable(name, long.class, param.getValue(), true);
            } else {
                configuration.getCommon().addVariable(name, int.class, param.getValue().intValue(), true);
            }
        }
        configuration.getCommon().addVariable(constant(rule.rule(), "quiet-after"), long.class, quietAfter(rule), true);
    }

    /** Braid resolves only after resolve-after has passed without a match: a match at exactly that time still counts. */
    private static long quietAfter(RuleSpec rule) {
        return rule.duration("resolve-after").toMillis() + 1;
    }

    private static String constant(String rule, String field) {
        StringBuilder name = new StringBuilder();
        for (String word : (rule + "-" + field).split("-")) {
            name.append(name.length() == 0 ? word : word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1));
        }
        return name.toString();
    }

    private static String epl() {
        try (InputStream in = EsperPeer.class.getResourceAsStream(EPL)) {
            if (in == null) {
                throw new IllegalStateException(EPL + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Feeds the events, in order, to a fresh runtime, then lets the clock run past the longest
     * resolve-after, as the end of Braid's bounded input resolves every alert still open.
     */
    List<AlertRevision> run(List<NormalizedEvent> events) throws EPDeployException {
        EPRuntime runtime = EPRuntimeProvider.getRuntime("braid-peer-" + runs++, configuration);
        try {
            EPEventService service = runtime.getEventService();
            long now = events.get(0).getEventTime().toEpochMilli();
            service.advanceTime(now);
            List<AlertRevision> alerts = new ArrayList<>();
            EPDeployment deployment = runtime.getDeploymentService().deploy(compiled);
            runtime.getDeploymentService().getStatement(deployment.getDeploymentId(), "alerts")
                    .addListener((records, removed, statement, unused) -> collect(records, alerts));
            for (NormalizedEvent event : events) {
                long time = event.getEventTime().toEpochMilli();
                if (time > now) {
                    service.advanceTime(time);
                    now = time;
                }
                service.sendEventBean(event, EVENT_TYPE);
            }
            service.advanceTime(now + longestQuiet);
            return alerts;
        } finally {
            runtime.destroy();
        }
    }

    private static void collect(EventBean[] records, List<AlertRevision> alerts) {
        for (EventBean record : records) {
            Collection<?> evidence = (Collection<?>) record.get("evidence");
            alerts.add(AlertRevision.of((String) record.get("rule"), (String) record.get("key"), (String) record.get("status"),
                    (Integer) record.get("revision"), (Long) record.get("firstTime"), (Long) record.get("lastTime"),
                    evidence == null ? List.of() : evidence.stream().map(String.class::cast).toList()));
        }
    }
}
