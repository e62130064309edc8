package dev.braid.detect;

import dev.braid.connectors.BraidKafka;
import dev.braid.connectors.JobDefaults;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.Fix;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Entry point of the detect job: reads configuration and the rule files, builds the Kafka source
 * and exactly-once sinks and hands them to {@link DetectPipeline#define}.
 *
 * <pre>flink run braid-detect-job.jar --braid.kafka.bootstrap-servers kafka:9092 --braid.detect.rules-dir /etc/braid/cep-rules</pre>
 */
public final class DetectJob {

    private DetectJob() {}

    public static void main(String[] args) throws Exception {
        DetectConfig config = configFromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobDefaults.apply(env, config.checkpointing());
        config.checkpointing().requireDirectory(env.getConfiguration());
        wireKafka(env, config);
        env.execute("braid-detect");
    }

    /** {@code --key value} arguments; invalid values and rule files fail here, naming what to fix. */
    public static DetectConfig configFromArgs(String[] args) {
        try {
            return DetectConfig.from(Configuration.fromMap(ParameterTool.fromArgs(args).toMap()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid detect configuration: " + e.getMessage(), e);
        }
    }

    /** The production wiring: the events topic in, alerts per family and fixes out, exactly once. */
    public static void wireKafka(StreamExecutionEnvironment env, DetectConfig config) {
        wire(env, config, BraidKafka.avroSource(config.kafka(), config.topics().events(), NormalizedEvent.class, config.groupId()));
    }

    /** The given events source into the production exactly-once sinks; tests pass a bounded one. */
    public static void wire(StreamExecutionEnvironment env, DetectConfig config, Source<NormalizedEvent, ?, ?> events) {
        Map<AlertFamily, Sink<Alert>> alertSinks = new EnumMap<>(AlertFamily.class);
        for (AlertFamily family : AlertFamily.values()) {
            alertSinks.put(family, BraidKafka.exactlyOnceSink(config.kafka(), config.topics().alerts(family), Alert.class,
                    DetectJob::alertKey, alert -> alert.getLastEventTime().toEpochMilli(),
                    config.kafka().transactionalIdPrefix(config.groupId(),
                            "alerts-" + family.name().toLowerCase(Locale.ROOT).replace('_', '-'))));
        }
        DetectPipeline.define(env, config, events, alertSinks,
                BraidKafka.exactlyOnceSink(config.kafka(), config.topics().fixes(), Fix.class,
                        Fix::getSignature, fix -> fix.getSuccessTime().toEpochMilli(),
                        config.kafka().transactionalIdPrefix(config.groupId(), "fixes")));
    }

    /** Alerts are keyed by rule and key, so that an alert's open, updates and resolution share a partition. */
    public static String alertKey(Alert alert) {
        return alert.getRule() + '|' + alert.getKey();
    }
}
