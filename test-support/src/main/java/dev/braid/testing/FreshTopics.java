package dev.braid.testing;

import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Topics;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.Source;

import org.apache.flink.configuration.Configuration;

import java.util.UUID;

/** A configuration naming the test broker and topics no other test uses. */
public final class FreshTopics {

    private FreshTopics() {}

    /** Every Braid topic under a random suffix, plus the broker's address; create them with {@link Topics#all()}. */
    public static Configuration on(KafkaBrokerExtension kafka) {
        return on(kafka.bootstrapServers(), UUID.randomUUID().toString().substring(0, 8));
    }

    /** Every Braid topic under the suffix {@code run}, plus the broker's address. */
    public static Configuration on(String bootstrapServers, String run) {
        Configuration config = new Configuration();
        config.set(KafkaSettings.BOOTSTRAP_SERVERS, bootstrapServers);
        for (Source source : Source.values()) {
            config.set(Topics.rawOption(source), "raw." + source.name().toLowerCase() + "." + run);
        }
        config.set(Topics.OTLP_SPANS, "otlp-spans." + run);
        config.set(Topics.OTLP_LOGS, "otlp-logs." + run);
        config.set(Topics.EVENTS, "events." + run);
        config.set(Topics.DEAD_LETTERS, "dead-letters." + run);
        config.set(Topics.TRACES, "traces." + run);
        config.set(Topics.LATE_EVENTS, "late-events." + run);
        for (AlertFamily family : AlertFamily.values()) {
            config.set(Topics.alertsOption(family), "alerts." + family.name().toLowerCase() + "." + run);
        }
        config.set(Topics.FIXES, "fixes." + run);
        return config;
    }
}
