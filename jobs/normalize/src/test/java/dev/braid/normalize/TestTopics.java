package dev.braid.normalize;

import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Topics;
import dev.braid.schema.Source;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.flink.configuration.Configuration;

import java.time.Duration;
import java.util.UUID;

/** A normalize configuration whose topics no other test uses, created on the test broker. */
final class TestTopics {

    static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);

    private TestTopics() {}

    static NormalizeConfig freshConfig(KafkaBrokerExtension kafka) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Configuration config = new Configuration();
        config.set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        for (Source source : Source.values()) {
            config.set(Topics.rawOption(source), "raw." + source.name().toLowerCase() + "." + run);
        }
        config.set(Topics.EVENTS, "events." + run);
        config.set(Topics.DEAD_LETTERS, "dead-letters." + run);
        config.set(NormalizeConfig.GROUP_ID, "normalize-" + run);
        config.setString(NormalizeConfig.MAX_RECORD_SIZE.key(), "64kb");
        config.set(NormalizeConfig.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        config.set(NormalizeConfig.IDLENESS, Duration.ofSeconds(1));
        config.set(NormalizeConfig.CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL);
        NormalizeConfig normalize = NormalizeConfig.from(config);
        kafka.createTopics(normalize.topics().all());
        return normalize;
    }
}
