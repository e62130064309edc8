package dev.braid.connectors;

import java.io.Serializable;
import java.util.Map;

/** A topic Braid reads or writes: its name, partitions and topic-level configuration. */
public record TopicSpec(String name, int partitions, Map<String, String> configs) implements Serializable {

    public TopicSpec {
        configs = Map.copyOf(configs);
    }
}
