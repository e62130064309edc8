package dev.braid.detect.rules;

import dev.braid.schema.Severity;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * One rule as its file in {@code cep-rules/} configures it, validated: the common fields plus the
 * rule's own parameters (thresholds and windows), every one of them with a value.
 */
public final class RuleSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String rule;
    private final String file;
    private final String description;
    private final String family;
    private final Severity severity;
    private final String key;
    private final String action;
    private final Map<String, Long> params;
    private final RuleSchema schema;

    RuleSpec(String rule, String file, String description, String family, Severity severity, String key, String action,
             Map<String, Long> params, RuleSchema schema) {
        this.rule = rule;
        this.file = file;
        this.description = description;
        this.family = family;
        this.severity = severity;
        this.key = key;
        this.action = action;
        this.params = Map.copyOf(params);
        this.schema = schema;
    }

    public String rule() { return rule; }
    public String file() { return file; }
    public String description() { return description; }
    /** regressions, ci, agent, flaky-tests or fixes. */
    public String family() { return family; }
    public Severity severity() { return severity; }
    /** Which of the rule's keys the alerts are grouped by. */
    public String key() { return key; }
    /** Suggested action text; {@code {placeholders}} are filled from the alert's key and details. */
    public String action() { return action; }

    /** The action text with {key}, the rule's parameters and the alert's details filled in. */
    public String action(String key, Map<String, String> details) {
        String text = action.replace("{key}", key);
        for (Map.Entry<String, Long> param : params.entrySet()) {
            String value = isDuration(param.getKey()) ? Findings.span(param.getValue()) : param.getValue().toString();
            text = text.replace("{" + param.getKey() + "}", value);
        }
        for (Map.Entry<String, String> detail : details.entrySet()) {
            text = text.replace("{" + detail.getKey() + "}", detail.getValue());
        }
        return text;
    }

    public int count(String name) {
        return (int) (long) param(name, false);
    }

    public Duration duration(String name) {
        return Duration.ofMillis(param(name, true));
    }

    /** Every parameter by name, durations in their file spelling's meaning, for messages and action text. */
    public Map<String, Long> params() {
        return params;
    }

    public boolean isDuration(String name) {
        RuleSchema.Param param = schema.params().get(name);
        return param != null && param.duration();
    }

    private long param(String name, boolean duration) {
        RuleSchema.Param declared = schema.params().get(name);
        if (declared == null || declared.duration() != duration) {
            throw new IllegalArgumentException(rule + " declares no " + (duration ? "duration" : "count") + " parameter '" + name + "'");
        }
        return params.get(name);
    }

    @Override
    public String toString() {
        return rule + " (" + file + ", family " + family + ", severity " + severity + ", key " + key + ", " + params + ")";
    }
}
