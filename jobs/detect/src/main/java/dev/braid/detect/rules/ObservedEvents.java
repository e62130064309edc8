package dev.braid.detect.rules;

import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What the alert and fix rules observe: the job's events and the interruptions attributed to CI
 * jobs. A rule takes its events through {@link #select} or {@link #flatMap}, which run the
 * function once on each stream, chained to the events source and to the attribution. A filter
 * over the union of the two would have two inputs, could not be chained, and would receive every
 * event over the network; this way an event crosses the network only to the rules that select it.
 */
public final class ObservedEvents {

    private final DataStream<NormalizedEvent> events;
    private final DataStream<NormalizedEvent> interruptions;

    public ObservedEvents(DataStream<NormalizedEvent> events, DataStream<NormalizedEvent> interruptions) {
        this.events = events;
        this.interruptions = interruptions;
    }

    /** The events and interruptions the filter keeps; {@code uid} names the filter on the events, as releases did. */
    public DataStream<NormalizedEvent> select(FilterFunction<NormalizedEvent> selects, String uid, String name) {
        return events.filter(selects).uid(uid).name(name)
                .union(interruptions.filter(selects).uid(uid + "-interruptions").name(name + " (interruptions)"));
    }

    /** What the function makes of the events and interruptions; {@code uid} names the one on the events. */
    public <T> DataStream<T> flatMap(FlatMapFunction<NormalizedEvent, T> function, TypeInformation<T> type, String uid, String name) {
        return events.flatMap(function, type).uid(uid).name(name)
                .union(interruptions.flatMap(function, type).uid(uid + "-interruptions").name(name + " (interruptions)"));
    }
}
