package dev.braid.detect.rules;

import dev.braid.schema.Fix;

import org.apache.flink.streaming.api.datastream.DataStream;

/** A rule that records fixes rather than alerts: its output goes to the fixes topic. */
public interface FixRule extends RuleType {

    DataStream<Fix> detect(ObservedEvents events, RuleSpec spec);
}
