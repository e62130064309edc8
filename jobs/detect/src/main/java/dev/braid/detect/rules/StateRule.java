package dev.braid.detect.rules;

import dev.braid.schema.NormalizedEvent;

import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A rule that keeps state for an analysis outside the job instead of raising alerts: it adds its
 * operators to the pipeline, and a savepoint of the job captures what they keep.
 */
public interface StateRule extends RuleType {

    void keep(DataStream<NormalizedEvent> events, RuleSpec spec);
}
