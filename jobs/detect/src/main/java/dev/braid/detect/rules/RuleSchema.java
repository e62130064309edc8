package dev.braid.detect.rules;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one rule's file may say beyond the fields every rule has: the families it may publish to,
 * the keys it can group by (the first is the default) and its parameters with their bounds and
 * defaults. {@link RuleFiles} validates every file against the schema of its rule.
 */
public final class RuleSchema implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A numeric parameter, or a duration written like {@code 90s}, {@code 60m}, {@code 24h}, {@code 7d}. */
    public record Param(boolean duration, long min, long max, long defaultValue, String meaning) implements Serializable {

        public static Param count(int min, int max, int defaultValue, String meaning) {
            return new Param(false, min, max, defaultValue, meaning);
        }

        public static Param duration(Duration min, Duration max, Duration defaultValue, String meaning) {
            return new Param(true, min.toMillis(), max.toMillis(), defaultValue.toMillis(), meaning);
        }

        String describeBounds() {
            return duration
                    ? "a duration from " + Duration.ofMillis(min) + " to " + Duration.ofMillis(max) + ", for example 90s, 60m, 24h or 7d"
                    : "a whole number from " + min + " to " + max;
        }
    }

    private final String rule;
    private final Set<String> families;
    private final List<String> keys;
    private final Map<String, Param> params;

    private RuleSchema(String rule, Set<String> families, List<String> keys, Map<String, Param> params) {
        this.rule = rule;
        this.families = Set.copyOf(families);
        this.keys = List.copyOf(keys);
        this.params = new LinkedHashMap<>(params);
    }

    public static Builder of(String rule) {
        return new Builder(rule);
    }

    public String rule() { return rule; }
    public Set<String> families() { return families; }
    public List<String> keys() { return keys; }
    public Map<String, Param> params() { return params; }

    /** Fluent construction, so that each rule declares its schema in a few readable lines. */
    public static final class Builder {
        private final String rule;
        private Set<String> families = Set.of();
        private List<String> keys = List.of();
        private final Map<String, Param> params = new LinkedHashMap<>();

        private Builder(String rule) {
            this.rule = rule;
        }

        public Builder families(String... families) {
            this.families = Set.of(families);
            return this;
        }

        /** The keys the rule can group by; the first is the default. */
        public Builder keys(String... keys) {
            this.keys = List.of(keys);
            return this;
        }

        public Builder count(String name, int min, int max, int defaultValue, String meaning) {
            params.put(name, Param.count(min, max, defaultValue, meaning));
            return this;
        }

        public Builder duration(String name, Duration min, Duration max, Duration defaultValue, String meaning) {
            params.put(name, Param.duration(min, max, defaultValue, meaning));
            return this;
        }

        public RuleSchema build() {
            if (families.isEmpty() || keys.isEmpty()) {
                throw new IllegalStateException(rule + ": a rule schema needs its families and keys");
            }
            return new RuleSchema(rule, families, keys, params);
        }
    }
}
