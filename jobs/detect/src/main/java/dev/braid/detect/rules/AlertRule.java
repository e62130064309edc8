package dev.braid.detect.rules;

import dev.braid.detect.model.Finding;

import org.apache.flink.streaming.api.datastream.DataStream;

/** A rule that raises alerts: it adds its operators to the pipeline and returns its findings. */
public interface AlertRule extends RuleType {

    DataStream<Finding> detect(ObservedEvents events, RuleSpec spec);
}
