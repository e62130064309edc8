package dev.braid.cli;

import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Topics;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a command reaches Kafka: bootstrap servers, client properties passed through as they are
 * (SASL, SSL) and topic names, the same settings the jobs take as {@code braid.*} options.
 */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:BRAID_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka brokers (default: $BRAID_BOOTSTRAP_SERVERS or localhost:9092).")
    String bootstrapServers;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "NAME=VALUE",
            description = "A Kafka client property, passed through, e.g. -X security.protocol=SASL_SSL.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:BRAID_KAFKA_CONFIG}",
            description = "A Kafka client properties file (SASL/SSL settings, credentials); -X overrides it"
                    + " (default: $BRAID_KAFKA_CONFIG).")
    Path propertiesFile;

    @Option(names = "--topic", paramLabel = "NAME=TOPIC",
            description = "Use another topic name, e.g. --topic events=team.braid.events; names: raw.<source>, otlp-spans, otlp-logs,"
                    + " events, dead-letters, traces, late-events, alerts.<family>, fixes.")
    Map<String, String> topicNames = new LinkedHashMap<>();

    /** The {@code braid.kafka.*} and {@code braid.topics.*} options these flags stand for. */
    public Map<String, String> braidOptions() {
        Map<String, String> options = new TreeMap<>();
        options.put(KafkaSettings.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        clientProperties(false).forEach((name, value) ->
                options.put(KafkaSettings.CLIENT_PROPERTIES_PREFIX + name, String.valueOf(value)));
        topicNames.forEach((name, topic) -> options.put(topicKey(name), topic));
        return options;
    }

    /** The client properties given with -X, without the file's. */
    public Map<String, String> commandLineProperties() {
        return Map.copyOf(properties);
    }

    public Topics topics() {
        return Topics.from(Configuration.fromMap(braidOptions()));
    }

    /** Properties for a Kafka client: the file, then -X, then the bootstrap servers. */
    public Properties clientProperties() {
        return clientProperties(true);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    private Properties clientProperties(boolean withBootstrap) {
        Properties client = new Properties();
        if (propertiesFile != null) {
            try (Reader reader = Files.newBufferedReader(propertiesFile)) {
                client.load(reader);
            } catch (IOException e) {
                throw new UserError("cannot read --kafka-config " + propertiesFile + ": " + e.getMessage(), e);
            }
        }
        client.putAll(properties);
        if (withBootstrap) {
            client.setProperty("bootstrap.servers", bootstrapServers);
        } else {
            client.remove("bootstrap.servers");
        }
        return client;
    }

    private static String topicKey(String name) {
        String key = "braid.topics." + name;
        for (ConfigOption<String> option : Topics.options()) {
            if (option.key().equals(key)) {
                return key;
            }
        }
        StringBuilder known = new StringBuilder();
        Topics.options().forEach(option -> known.append(known.length() == 0 ? "" : ", ")
                .append(option.key().substring("braid.topics.".length())));
        throw new UserError("--topic " + name + "=...: no such topic name; known: " + known);
    }
}
