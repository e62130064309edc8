package dev.braid.connectors;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * How to reach Kafka: bootstrap servers plus client properties passed through as they are (SASL,
 * SSL), from {@code braid.kafka.properties.<client property>} keys.
 */
public final class KafkaSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("braid.kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers, host:port[,host:port].");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("braid.kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "Producer transaction timeout of the exactly-once sinks; must stay below the broker's"
                                    + " transaction.max.timeout.ms (15 min by default) and above the checkpoint interval.");

    public static final String CLIENT_PROPERTIES_PREFIX = "braid.kafka.properties.";

    private final String bootstrapServers;
    private final Duration transactionTimeout;
    private final Map<String, String> clientProperties;

    public KafkaSettings(String bootstrapServers, Duration transactionTimeout, Map<String, String> clientProperties) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(
                    BOOTSTRAP_SERVERS.key() + " is missing: set it to the Kafka brokers, for example --"
                            + BOOTSTRAP_SERVERS.key() + " localhost:9092");
        }
        if (transactionTimeout.isNegative() || transactionTimeout.isZero()
                || transactionTimeout.compareTo(Duration.ofMinutes(15)) > 0) {
            throw new IllegalArgumentException(
                    TRANSACTION_TIMEOUT.key() + " = " + transactionTimeout
                            + " must be positive and at most 15 min, the broker's default transaction.max.timeout.ms");
        }
        this.bootstrapServers = bootstrapServers;
        this.transactionTimeout = transactionTimeout;
        this.clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaSettings from(Configuration config) {
        Map<String, String> passThrough = new java.util.HashMap<>();
        config.toMap().forEach((key, value) -> {
            if (key.startsWith(CLIENT_PROPERTIES_PREFIX)) {
                passThrough.put(key.substring(CLIENT_PROPERTIES_PREFIX.length()), value);
            }
        });
        return new KafkaSettings(
                config.get(BOOTSTRAP_SERVERS), config.get(TRANSACTION_TIMEOUT), passThrough);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Duration transactionTimeout() {
        return transactionTimeout;
    }

    /** The pass-through client properties, bootstrap servers included. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.setProperty("bootstrap.servers", bootstrapServers);
        return properties;
    }
}
