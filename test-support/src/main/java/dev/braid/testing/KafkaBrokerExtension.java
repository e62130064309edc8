package dev.braid.testing;

import dev.braid.connectors.TopicSpec;
import dev.braid.embedded.EmbeddedKafka;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * JUnit 5 extension: one in-JVM broker per test class. Register it as a static field with
 * {@code @RegisterExtension}; give each test topics of its own (random names), so tests never share data.
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


    public KafkaTestClient client() {
        return new KafkaTestClient(bootstrapServers());
    }
}
