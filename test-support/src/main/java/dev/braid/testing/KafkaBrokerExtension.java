package dev.braid.testing;

import dev.braid.connectors.TopicSpec;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * JUnit 5 extension: one in-JVM broker per test class. Register it as a static field with
 * {@code @RegisterExtension}; give each test its own topics with {@link #uniqueTopic(String)}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafka broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public void createTopics(List<TopicSpec> topics) {
        broker.createTopics(topics);
    }

    /** A topic name no other test uses, created with the given partitions. */
    public String uniqueTopic(String prefix, int partitions) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        broker.createTopics(List.of(new TopicSpec(name, partitions, Map.of())));
        return name;
    }

    public KafkaTestClient client() {
        return new KafkaTestClient(bootstrapServers());
    }
}
