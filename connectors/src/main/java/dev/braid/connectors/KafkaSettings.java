package dev.braid.connectors;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
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
                            "Producer transaction timeout of the exactly-once sinks; must stay within the brokers'"
                                    + " transaction.max.timeout.ms and exceed what checkpoints and a restart may take.");

    public static final ConfigOption<Duration> BROKER_MAX_TRANSACTION_TIMEOUT =
            ConfigOptions.key("braid.kafka.broker-max-transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription("The brokers' transaction.max.timeout.ms (15 min by default); set it when your"
                            + " brokers allow more, so a longer transaction timeout is accepted.");

    public static final ConfigOption<String> INSTANCE_ID =
            ConfigOptions.key("braid.instance-id")
                    .stringType()
                    .defaultValue("cluster")
                    .withDescription("Names this deployment in the sinks' transactional ids, so two deployments of one"
                            + " job (a local braid run and a cluster, staging and production) never fence each other.");

    public static final String CLIENT_PROPERTIES_PREFIX = "braid.kafka.properties.";

    private final String bootstrapServers;
    private final Duration transactionTimeout;
    private final String instanceId;
    private final Map<String, String> clientProperties;

    public KafkaSettings(String bootstrapServers, Duration transactionTimeout, Map<String, String> clientProperties) {
        this(bootstrapServers, transactionTimeout, BROKER_MAX_TRANSACTION_TIMEOUT.defaultValue(),
                INSTANCE_ID.defaultValue(), clientProperties);
    }

    public KafkaSettings(String bootstrapServers, Duration transactionTimeout, Duration brokerMaxTransactionTimeout,
            String instanceId, Map<String, String> clientProperties) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(
                    BOOTSTRAP_SERVERS.key() + " is missing: set it to the Kafka brokers, for example --"
                            + BOOTSTRAP_SERVERS.key() + " localhost:9092");
        }
        if (transactionTimeout.isNegative() || transactionTimeout.isZero()
                || transactionTimeout.compareTo(brokerMaxTransactionTimeout) > 0) {
            throw new IllegalArgumentException(
                    TRANSACTION_TIMEOUT.key() + " = " + TimeUtils.formatWithHighestUnit(transactionTimeout)
                            + " must be positive and at most " + BROKER_MAX_TRANSACTION_TIMEOUT.key() + " = "
                            + TimeUtils.formatWithHighestUnit(brokerMaxTransactionTimeout)
                            + ": the brokers refuse a longer one unless their transaction.max.timeout.ms is raised");
        }
        if (instanceId == null || !instanceId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException(INSTANCE_ID.key() + " = '" + instanceId
                    + "' must be 1 to 64 letters, digits, '.', '_' or '-', for example staging");
        }
        this.bootstrapServers = bootstrapServers;
        this.transactionTimeout = transactionTimeout;
        this.instanceId = instanceId;
        this.clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaSettings from(Configuration config) {
        Map<String, String> passThrough = new java.util.HashMap<>();
        config.toMap().forEach((key, value) -> {
            if (key.startsWith(CLIENT_PROPERTIES_PREFIX)) {
                passThrough.put(key.substring(CLIENT_PROPERTIES_PREFIX.length()), value);
            }
        });
        return new KafkaSettings(config.get(BOOTSTRAP_SERVERS), config.get(TRANSACTION_TIMEOUT),
                config.get(BROKER_MAX_TRANSACTION_TIMEOUT), config.get(INSTANCE_ID), passThrough);
    }

    /** The options this class reads, pass-through client properties aside. */
    public static List<ConfigOption<?>> options() {
        return List.of(BOOTSTRAP_SERVERS, TRANSACTION_TIMEOUT, BROKER_MAX_TRANSACTION_TIMEOUT, INSTANCE_ID);
    }

    /**
     * The transactional id prefix of one sink of one job in this deployment, for example
     * {@code braid-normalize-cluster-events}: unique per sink, job and deployment.
     */
    public String transactionalIdPrefix(String job, String sink) {
        return job + "-" + instanceId + "-" + sink;
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
