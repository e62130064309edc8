package dev.braid.correlate;

import dev.braid.connectors.BraidKafka;
import dev.braid.connectors.JobDefaults;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Entry point of the correlate job: reads configuration, builds the Kafka source and exactly-once
 * sinks and hands them to {@link CorrelatePipeline#define}.
 *
 * <pre>flink run braid-correlate-job.jar --braid.kafka.bootstrap-servers kafka:9092</pre>
 */
public final class CorrelateJob {

    private CorrelateJob() {}

    public static void main(String[] args) throws Exception {
        CorrelateConfig config = configFromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobDefaults.apply(env, config.checkpointing());
        config.checkpointing().requireDirectory(env.getConfiguration());
        wireKafka(env, config);
        env.execute("braid-correlate");
    }

    /** {@code --key value} arguments; invalid values fail here, naming the key. */
    public static CorrelateConfig configFromArgs(String[] args) {
        try {
            return CorrelateConfig.from(Configuration.fromMap(ParameterTool.fromArgs(args).toMap()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid correlate configuration: " + e.getMessage(), e);
        }
    }

    /** The production wiring: the events topic in, traces and late events out, exactly once. */
    public static void wireKafka(StreamExecutionEnvironment env, CorrelateConfig config) {
        wire(env, config, BraidKafka.avroSource(config.kafka(), config.topics().events(), NormalizedEvent.class, config.groupId()));
    }

    /** The given events source into the production exactly-once sinks; tests pass a bounded one. */
    public static void wire(StreamExecutionEnvironment env, CorrelateConfig config, Source<NormalizedEvent, ?, ?> events) {
        CorrelatePipeline.define(
                env,
                config,
                events,
                BraidKafka.exactlyOnceSink(config.kafka(), config.topics().traces(), CorrelatedTrace.class,
                        CorrelatedTrace::getTraceId, trace -> trace.getEnd().toEpochMilli(),
                        config.kafka().transactionalIdPrefix(config.groupId(), "traces")),
                BraidKafka.exactlyOnceSink(config.kafka(), config.topics().lateEvents(), NormalizedEvent.class,
                        NormalizedEvent::getId, event -> event.getEventTime().toEpochMilli(),
                        config.kafka().transactionalIdPrefix(config.groupId(), "late-events")));
    }
}
