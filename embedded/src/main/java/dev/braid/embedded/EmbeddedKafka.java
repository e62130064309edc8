package dev.braid.embedded;

import dev.braid.connectors.TopicSpec;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real one-node KRaft Kafka broker inside this JVM, on loopback, run from Kafka's own server
 * jars: the combined broker and controller {@code kafka-server-start.sh} would run, formatted as
 * {@code kafka-storage.sh format} would, its log in a temporary directory deleted on close. The
 * default broker of {@code braid demo}, and the broker of the tests.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration TOPICS_LISTED_WITHIN = Duration.ofSeconds(30);
    private static final int NODE_ID = 1;

    private static final String SCRAM = "SCRAM-SHA-512";

    private final Properties config;
    private final Path logDir;
    private KafkaRaftServer server;
    private final String bootstrapServers;
    /** The plaintext listener of the broker itself and of {@link #createTopics}: the client listener, unless that one is secured. */
    private final String internalServers;

    /**
     * A client listener that takes only SASL_SSL with SCRAM-SHA-512, as managed Kafka services
     * do: the broker's TLS key store (PKCS12) and the users it knows, with their passwords.
     */
    public record SaslSsl(Path keyStore, String keyStorePassword, Map<String, String> users) {}

    private final int clientPort;

    private EmbeddedKafka(Properties config, KafkaRaftServer server, Path logDir, String bootstrapServers, String internalServers,
            int clientPort) {
        this.config = config;
        this.clientPort = clientPort;
        this.server = server;
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
        this.internalServers = internalServers;
    }

    /** Formats and starts a combined broker and controller; returns when it accepts clients. */
    public static EmbeddedKafka start() {
        return start(null);
    }

    /** As {@link #start()}, with clients held to {@code security} when it is given. */
    public static EmbeddedKafka start(SaslSsl security) {
        return start(security, 0);
    }

    /**
     * As {@link #start()}, but the brokers tell clients to connect to {@code advertisedPort} of
     * loopback, where a proxy forwards to {@link #clientListener()}: the path of a network fault
     * test. {@link #internalServers()} bypasses the proxy.
     */
    public static EmbeddedKafka startBehind(int advertisedPort) {
        return start(null, advertisedPort);
    }

    private static EmbeddedKafka start(SaslSsl security, int advertisedPort) {
        Path logDir = null;
        KafkaRaftServer server = null;
        try {
            logDir = Files.createTempDirectory("braid-kafka-");
            int brokerPort = freePort();
            int controllerPort = freePort();
            boolean ownClientListener = security != null || advertisedPort != 0;
            int clientPort = ownClientListener ? freePort() : brokerPort;
            int advertised = advertisedPort != 0 ? advertisedPort : clientPort;
            Properties config = config(logDir, brokerPort, controllerPort);
            if (ownClientListener) {
                clientListener(config, security, clientPort, advertised, brokerPort, controllerPort);
            }
            format(logDir, security);
            server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(config, server, logDir, "127.0.0.1:" + advertised, "127.0.0.1:" + brokerPort,
                    clientPort);
            kafka.awaitReady();
            return kafka;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the in-JVM Kafka broker", e);
        } catch (Exception e) {
            if (server != null) {
                server.shutdown(); // its threads would keep the JVM up
            }
            deleteQuietly(logDir);
            throw new IllegalStateException("could not start the in-JVM Kafka broker: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's own plaintext listener, which advertises itself: for tests' clients that must not go through a proxy. */
    public String internalServers() {
        return internalServers;
    }

    /** The port the client listener listens on; the one a proxy in front of it forwards to. */
    public int clientListener() {
        return clientPort;
    }

    /** Stops the broker as a clean shutdown does and starts it again on the same ports and data. */
    public void restart() {
        server.shutdown();
        server.awaitShutdown();
        try {
            server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
            server.startup();
            awaitReady();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting the in-JVM Kafka broker", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the in-JVM Kafka broker did not come back: " + e.getMessage(), e);
        }
    }

    /** Creates the topics that do not exist yet (replication factor 1), and returns once the broker lists them. */
    public void createTopics(Collection<TopicSpec> topics) {
        try (Admin admin = admin()) {
            for (TopicSpec topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic.name(), topic.partitions(), (short) 1).configs(topic.configs())))
                            .all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + topic.name(), e.getCause());
                    }
                }
            }
            awaitListed(admin, topics.stream().map(TopicSpec::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Waits until the broker lists the topics: the controller has committed them when creation
     * returns, but the broker applies its metadata a moment later, and a client that lists topics
     * in between (braid run checks its topics at start) would find them missing.
     */
    private static void awaitListed(Admin admin, List<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + TOPICS_LISTED_WITHIN.toNanos();
        try {
            while (!admin.listTopics().names().get().containsAll(names)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not list the created topics within " + TOPICS_LISTED_WITHIN);
                }
                Thread.sleep(20);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not list topics", e.getCause());
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        deleteQuietly(logDir);
    }

    private static Properties config(Path logDir, int brokerPort, int controllerPort) {
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", logDir.toString());
        // One node: without these, an exactly-once sink waits forever in initTransactions.
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "3");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        // Scenarios run on fixed event times, which may be ahead of this machine's clock; Kafka 4
        // refuses record timestamps more than an hour ahead by default.
        config.put("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        return config;
    }

    /**
     * A CLIENT listener on its own port, SASL_SSL when {@code security} is given, advertised at
     * {@code advertisedPort}; the broker's own listener stays plaintext on loopback.
     */
    private static void clientListener(Properties config, SaslSsl security, int clientPort, int advertisedPort,
            int brokerPort, int controllerPort) {
        config.put("listeners", "CLIENT://127.0.0.1:" + clientPort + ",PLAINTEXT://127.0.0.1:" + brokerPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "CLIENT://127.0.0.1:" + advertisedPort + ",PLAINTEXT://127.0.0.1:" + brokerPort);
        config.put("listener.security.protocol.map", "CLIENT:" + (security == null ? "PLAINTEXT" : "SASL_SSL")
                + ",PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        if (security == null) {
            return;
        }
        config.put("listener.name.client.sasl.enabled.mechanisms", SCRAM);
        config.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        config.put("listener.name.client.ssl.keystore.type", "PKCS12");
        config.put("listener.name.client.ssl.keystore.location", security.keyStore().toString());
        config.put("listener.name.client.ssl.keystore.password", security.keyStorePassword());
        config.put("listener.name.client.ssl.key.password", security.keyStorePassword());
    }

    /** What {@code kafka-storage.sh format --standalone=false} does for a static quorum of one, SCRAM users included. */
    private static void format(Path logDir, SaslSsl security) throws Exception {
        List<String> scramUsers = security == null ? List.of() : security.users().entrySet().stream()
                .map(user -> SCRAM + "=[name=" + user.getKey() + ",password=" + user.getValue() + "]").toList();
        new Formatter()
                .setScramArguments(scramUsers)
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    private void awaitReady() throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + READY.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(1, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (TimeoutException | ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not accept clients within " + READY.toSeconds() + " s", e);
                    }
                }
            }
        }
    }

    private Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", internalServers));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory: the OS cleans it up
        }
    }
}
