package dev.braid.normalize;

import dev.braid.connectors.BraidKafka;
import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.RawInput;
import dev.braid.connectors.RawRecord;
import dev.braid.connectors.Topics;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

import java.util.EnumMap;
import java.util.Map;

/**
 * Entry point of the normalize job: reads configuration, builds the Kafka sources and
 * exactly-once sinks and hands them to {@link NormalizePipeline#define}.
 *
 * <pre>flink run braid-normalize-job.jar --braid.kafka.bootstrap-servers kafka:9092</pre>
 */
public final class NormalizeJob {

    private NormalizeJob() {}

    public static void main(String[] args) throws Exception {
        NormalizeConfig config = configFromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobDefaults.apply(env, config.checkpointing());
        config.checkpointing().requireDirectory(env.getConfiguration());
        wireKafka(env, config);
        env.execute("braid-normalize");
    }

    /** {@code --key value} arguments over the cluster's configuration; invalid values fail here. */
    public static NormalizeConfig configFromArgs(String[] args) {
        Configuration config = Configuration.fromMap(ParameterTool.fromArgs(args).toMap());
        try {
            return NormalizeConfig.from(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid normalize configuration: " + e.getMessage(), e);
        }
    }

    /** The production wiring: one Kafka source per raw topic, two exactly-once sinks. */
    public static void wireKafka(StreamExecutionEnvironment env, NormalizeConfig config) {
        Topics topics = config.topics();
        Map<RawInput, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> sources = new EnumMap<>(RawInput.class);
        for (RawInput input : RawInput.values()) {
            sources.put(input, BraidKafka.rawSource(config.kafka(), topics.input(input), input, config.groupId()));
        }
        wire(env, config, sources);
    }

    /**
     * The given raw sources into the production exactly-once sinks: Kafka sources with a consumer
     * group in production, bounded ones in tests, the demo and benchmarks.
     */
    public static void wire(
            StreamExecutionEnvironment env,
            NormalizeConfig config,
            Map<RawInput, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> sources) {
        Topics topics = config.topics();
        NormalizePipeline.define(
                env,
                config,
                sources,
                BraidKafka.exactlyOnceSink(config.kafka(), topics.events(), NormalizedEvent.class,
                        EventKeys::bestKey, event -> event.getEventTime().toEpochMilli(),
                        config.kafka().transactionalIdPrefix(config.groupId(), "events")),
                BraidKafka.exactlyOnceSink(config.kafka(), topics.deadLetters(), DeadLetter.class,
                        DeadLetter::getSourceTopic, letter -> letter.getTime().toEpochMilli(),
                        config.kafka().transactionalIdPrefix(config.groupId(), "dead-letters")));
    }
}
