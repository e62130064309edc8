package dev.braid.normalize;

import dev.braid.connectors.Topics;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.flink.configuration.Configuration;

import java.time.Duration;

/** A normalize configuration whose topics no other test uses, created on the test broker. */
final class TestTopics {

    static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);

    private TestTopics() {}

    static NormalizeConfig freshConfig(KafkaBrokerExtension kafka) {
        Configuration config = FreshTopics.on(kafka);
        config.set(NormalizeConfig.GROUP_ID, "normalize-" + config.get(Topics.EVENTS));
        config.setString(NormalizeConfig.MAX_RECORD_SIZE.key(), "64kb");
        config.set(NormalizeConfig.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        config.set(NormalizeConfig.IDLENESS, Duration.ofSeconds(1));
        config.set(NormalizeConfig.CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL);
        NormalizeConfig normalize = NormalizeConfig.from(config);
        kafka.createTopics(normalize.topics().all());
        return normalize;
    }
}
