package dev.braid.detect.rules;

import dev.braid.detect.baseline.BaselineRegression;
import dev.braid.detect.rules.agent.AgentLoop;
import dev.braid.detect.rules.agent.ErrorToSuccess;
import dev.braid.detect.rules.agent.McpUnhealthy;
import dev.braid.detect.rules.agent.ModelApiBreaker;
import dev.braid.detect.rules.ci.FailingBuilds;
import dev.braid.detect.rules.ci.FleetBreaker;
import dev.braid.detect.rules.ci.SpotChurn;
import dev.braid.detect.rules.tests.FlakyTest;
import dev.braid.detect.rules.tests.TestRegression;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rules Braid implements, by the id their file in cep-rules/ names. */
public final class Rules {

    private static final Map<String, RuleType> BY_ID = new LinkedHashMap<>();

    static {
        register(TestRegression.RULE, new TestRegression());
        register(FlakyTest.RULE, new FlakyTest());
        register(SpotChurn.RULE, new SpotChurn());
        register(FleetBreaker.RULE, new FleetBreaker());
        register(FailingBuilds.RULE, new FailingBuilds());
        register(AgentLoop.RULE, new AgentLoop());
        register(ModelApiBreaker.RULE, new ModelApiBreaker());
        register(McpUnhealthy.RULE, new McpUnhealthy());
        register(ErrorToSuccess.RULE, new ErrorToSuccess());
        register(BaselineRegression.RULE, new BaselineRegression());
    }

    private Rules() {}

    private static void register(String id, RuleType type) {
        if (!id.equals(type.schema().rule())) {
            throw new IllegalStateException(id + " registers a schema of " + type.schema().rule());
        }
        BY_ID.put(id, type);
    }

    /** The rule of that id, or null. */
    public static RuleType type(String id) {
        return BY_ID.get(id);
    }

    public static List<String> ids() {
        return List.copyOf(BY_ID.keySet());
    }
}
