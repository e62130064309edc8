package dev.braid.detect;

import dev.braid.connectors.Checkpointing;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Options;
import dev.braid.connectors.Topics;
import dev.braid.detect.rules.RuleFiles;
import dev.braid.detect.rules.RuleSpec;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The detect job's settings, from Flink configuration and {@code --key value} arguments, and the
 * rules it runs, read from the rule files: all validated at start, with messages that name the
 * key or the file and field to fix.
 */
public final class DetectConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("braid.detect.group-id").stringType().defaultValue("braid-detect")
                    .withDescription("Kafka consumer group of the events source; also the sinks' transactional id prefix.");

    public static final ConfigOption<String> RULES_DIR =
            ConfigOptions.key("braid.detect.rules-dir").stringType().noDefaultValue()
                    .withDescription("Directory of rule files (*.yaml, see cep-rules/README.md); the rules bundled in the jar when unset.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("braid.detect.out-of-orderness").durationType().defaultValue(Duration.ofSeconds(5))
                    .withDescription("Bounded out-of-orderness of event-time watermarks; later events are counted in lateEvents by the threshold rules and error-to-success, and still judged by flaky-test and test-regression.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("braid.detect.idleness").durationType().defaultValue(Duration.ofSeconds(30))
                    .withDescription("A quiet partition stops holding back the watermark after this long.");

    private static final List<ConfigOption<?>> JOB_OPTIONS = List.of(GROUP_ID, RULES_DIR, OUT_OF_ORDERNESS, IDLENESS);

    private final Topics topics;
    private final KafkaSettings kafka;
    private final String groupId;
    private final List<RuleSpec> rules;
    private final Duration outOfOrderness;
    private final Duration idleness;
    private final Checkpointing checkpointing;

    private DetectConfig(Configuration config) {
        Options.rejectUnknownKeys(config, "detect", JOB_OPTIONS);
        this.topics = Topics.from(config);
        this.kafka = KafkaSettings.from(config);
        this.groupId = config.get(GROUP_ID);
        this.outOfOrderness = Options.positive(config, OUT_OF_ORDERNESS);
        this.idleness = Options.positive(config, IDLENESS);
        this.checkpointing = Checkpointing.from(config, kafka);
        String rulesDir = config.get(RULES_DIR);
        this.rules = List.copyOf(rulesDir == null ? RuleFiles.bundled() : RuleFiles.load(Path.of(rulesDir)));
        if (rules.isEmpty()) {
            throw new IllegalArgumentException(RULES_DIR.key() + " = " + rulesDir + ": every rule is disabled; enable at least one");
        }
    }

    public static DetectConfig from(Configuration config) {
        return new DetectConfig(config);
    }

    public Topics topics() { return topics; }
    public KafkaSettings kafka() { return kafka; }
    public String groupId() { return groupId; }
    /** The enabled rules, validated. */
    public List<RuleSpec> rules() { return rules; }
    public Duration outOfOrderness() { return outOfOrderness; }
    public Duration idleness() { return idleness; }
    public Checkpointing checkpointing() { return checkpointing; }
    public Duration checkpointInterval() { return checkpointing.interval(); }
}
