package dev.braid.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.schema.Source;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

class TopicsTest {

    @Test
    void rawTopicsKeepRecordsADayByDefaultAndTheOthersLonger() {
        Map<String, String> retention = retentionByTopic(new Configuration());

        for (Source source : Source.values()) {
            assertThat(retention).containsEntry("braid.raw." + source.name().toLowerCase(), "86400000");
        }
        assertThat(retention).containsEntry("braid.events", "604800000").containsEntry("braid.dead-letters", "2592000000");
    }

    @Test
    void rawRetentionIsASettingThatMustBePositive() {
        Configuration sixHours = Configuration.fromMap(Map.of("braid.topics.raw-retention", "6 h"));

        assertThat(retentionByTopic(sixHours)).containsEntry("braid.raw.backend", "21600000")
                .containsEntry("braid.events", "604800000");
        assertThatThrownBy(() -> Topics.from(Configuration.fromMap(Map.of("braid.topics.raw-retention", "0 s"))))
                .hasMessageStartingWith("braid.topics.raw-retention = PT0S must be positive");
        Options.rejectUnknownKeys(sixHours, "normalize", List.of());
    }

    private static Map<String, String> retentionByTopic(Configuration config) {
        return Topics.from(config).all().stream()
                .collect(Collectors.toMap(TopicSpec::name, spec -> spec.configs().get("retention.ms")));
    }
}
