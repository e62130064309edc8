package dev.braid.cli.ingest;

import dev.braid.connectors.TopicSpec;
import dev.braid.testing.KafkaBrokerExtension;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Topics of one test: one partition, so records come back in the order they were sent. */
final class TestTopics {

    private TestTopics() {}

    static String create(KafkaBrokerExtension kafka, String name) {
        String topic = name + "." + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopics(List.of(new TopicSpec(topic, 1, Map.of())));
        return topic;
    }
}
