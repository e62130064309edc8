package dev.braid.benchmarks;

import dev.braid.connectors.JobDefaults;
import dev.braid.detect.DetectConfig;
import dev.braid.detect.DetectPipeline;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Braid's detection without Kafka in between: the detect job's production wiring
 * ({@link DetectPipeline#define}, with its watermarks, RocksDB state and checkpoints) on a local
 * Flink of one slot, reading the events from memory as {@code env.fromData} does, and collecting
 * every alert record in this JVM.
 */
final class BraidDetection {

    private static final AvroTypeInfo<NormalizedEvent> EVENT_TYPE = new AvroTypeInfo<>(NormalizedEvent.class);

    /** Where the sinks' writers put what the job publishes: the job runs in this JVM. */
    private static final Queue<AlertRevision> PUBLISHED = new ConcurrentLinkedQueue<>();

    private BraidDetection() {}

    /** Runs the job over the events to the end of its input; returns every alert record it published. */
    static List<AlertRevision> run(DetectConfig config, List<NormalizedEvent> events) throws Exception {
        PUBLISHED.clear();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        JobDefaults.apply(env, config.checkpointing());
        // The collecting sinks commit nothing, so the job need not wait for a checkpoint after its input ends.
        Configuration endAtEndOfInput = new Configuration();
        endAtEndOfInput.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, false);
        env.configure(endAtEndOfInput);

        DataGeneratorSource<NormalizedEvent> source = new DataGeneratorSource<>(
                new FromElementsGeneratorFunction<>(EVENT_TYPE, env.getConfig(), events), events.size(), EVENT_TYPE);
        Map<AlertFamily, Sink<Alert>> alertSinks = new EnumMap<>(AlertFamily.class);
        for (AlertFamily family : AlertFamily.values()) {
            alertSinks.put(family, new CollectingSink());
        }
        DetectPipeline.define(env, config, source, alertSinks, new DiscardingSink<>());
        env.execute("braid detect, Esper peer benchmark");
        return new ArrayList<>(PUBLISHED);
    }

    private static final class CollectingSink implements Sink<Alert> {

        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Alert> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Alert alert, Context context) {
                    PUBLISHED.add(AlertRevision.of(alert));
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
