package dev.braid.e2e;

import dev.braid.connectors.TopicSpec;

import com.github.dockerjava.api.DockerClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A real cluster from the docker/ images, as docker/compose.yaml runs it: one KRaft Kafka node, a
 * Flink JobManager and two TaskManagers, each a container on the host network with its ports on
 * 127.0.0.1 (ports of their own, clear of a compose stack or a 'braid run' on the defaults). The
 * JobManager and TaskManagers share a host folder as /opt/flink/state, where checkpoints and
 * savepoints go, as they would share s3:// in production.
 */
final class BraidCluster implements BeforeAllCallback, AfterAllCallback {

    static final String FLINK_IMAGE = System.getProperty("braid.e2e.flink-image", "braid/flink:2.2.1");
    static final String KAFKA_IMAGE = System.getProperty("braid.e2e.kafka-image", "braid/kafka:4.2.0");
    static final int KAFKA_PORT = 19092;
    static final int REST_PORT = 18081;
    /** The folder the JobManager and TaskManagers share, as their containers see it. */
    static final String SHARED = "/opt/flink/state";

    private static final Duration STARTUP = Duration.ofMinutes(3);

    private final List<GenericContainer<?>> taskManagers = new ArrayList<>();
    private GenericContainer<?> kafka;
    private GenericContainer<?> jobManager;
    private Path stateDir;
    private int started;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        stateDir = Files.createTempDirectory("braid-e2e-state");
        // The images run as users of their own: the shared folder must be theirs to write.
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        kafka = new GenericContainer<>(DockerImageName.parse(KAFKA_IMAGE))
                .withNetworkMode("host")
                .withEnv(Map.of("KAFKA_HOST", "127.0.0.1", "KAFKA_PORT", String.valueOf(KAFKA_PORT),
                        "KAFKA_CONTROLLER_PORT", String.valueOf(KAFKA_PORT + 1), "KAFKA_HEAP_OPTS", "-Xms384m -Xmx384m"))
                .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(STARTUP));
        jobManager = flink("jobmanager")
                .withEnv(Map.of("FLINK_RPC_PORT", "16123", "FLINK_BLOB_PORT", "16124", "FLINK_REST_PORT", String.valueOf(REST_PORT),
                        "METRICS_PORT", "19260", "PROCESS_MEMORY", "1024m"))
                .waitingFor(Wait.forLogMessage(".*Rest endpoint listening at.*", 1).withStartupTimeout(STARTUP));
        kafka.start();
        jobManager.start();
        startTaskManager();
        startTaskManager();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        taskManagers.forEach(GenericContainer::stop);
        if (jobManager != null) {
            jobManager.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    /** {@link #SHARED} as this machine sees it: what a test puts here, every Flink process reads. */
    Path shared() {
        return stateDir;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + KAFKA_PORT;
    }

    URI rest() {
        return URI.create("http://127.0.0.1:" + REST_PORT);
    }

    /** The Prometheus endpoints of the TaskManagers running now. */
    List<URI> taskManagerMetrics() {
        return taskManagers.stream().filter(GenericContainer::isRunning)
                .map(tm -> URI.create("http://127.0.0.1:" + tm.getEnvMap().get("METRICS_PORT") + "/metrics")).toList();
    }

    /** Starts one more TaskManager of two slots, with ports of its own, and waits until it registered. */
    void startTaskManager() {
        int n = started++;
        GenericContainer<?> taskManager = flink("taskmanager")
                .withEnv(Map.of("FLINK_RPC_PORT", "16123", "TASKMANAGER_RESOURCE_ID", "taskmanager-" + (n + 1),
                        "TASKMANAGER_RPC_PORT", String.valueOf(16200 + 10 * n), "TASKMANAGER_DATA_PORT", String.valueOf(16201 + 10 * n),
                        "METRICS_PORT", String.valueOf(19261 + n), "TASK_SLOTS", "2", "PROCESS_MEMORY", "1280m"))
                .waitingFor(Wait.forLogMessage(".*Successful registration at resource manager.*", 1).withStartupTimeout(STARTUP));
        taskManager.start();
        taskManagers.add(taskManager);
    }

    /** Kills the TaskManager of this resource id as a machine that dies would: SIGKILL, no shutdown. */
    void killTaskManager(String resourceId) {
        GenericContainer<?> victim = taskManagers.stream()
                .filter(tm -> resourceId.equals(tm.getEnvMap().get("TASKMANAGER_RESOURCE_ID"))).findFirst()
                .orElseThrow(() -> new AssertionError("no TaskManager " + resourceId));
        victim.getDockerClient().killContainerCmd(victim.getContainerId()).exec();
    }

    /**
     * Kills the JobManager (SIGKILL) and starts its container again: a JobManager without high
     * availability comes back knowing no jobs. Returns once its REST API answers.
     */
    void killAndRestartJobManager() throws InterruptedException {
        killAndStart(jobManager);
        await(() -> {
            HttpURLConnection overview = (HttpURLConnection) rest().resolve("/overview").toURL().openConnection();
            return overview.getResponseCode() == 200;
        }, "the JobManager's REST API to answer");
    }

    /** Kills the broker (SIGKILL: no clean shutdown, its logs recovered at start) and starts it again; returns once it answers. */
    void killAndRestartBroker() throws InterruptedException {
        killAndStart(kafka);
        await(() -> {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
                return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
            }
        }, "the broker to answer");
    }

    private static void killAndStart(GenericContainer<?> container) throws InterruptedException {
        DockerClient docker = container.getDockerClient();
        docker.killContainerCmd(container.getContainerId()).exec();
        await(() -> !Boolean.TRUE.equals(docker.inspectContainerCmd(container.getContainerId()).exec().getState().getRunning()),
                container.getDockerImageName() + " to end");
        docker.startContainerCmd(container.getContainerId()).exec();
    }

    private static void await(Callable<Boolean> done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (done.call()) {
                    return;
                }
            } catch (Exception notYet) {
                // starting: ask again
            }
            Thread.sleep(500);
        }
        throw new AssertionError("waited " + STARTUP + " for " + what);
    }

    /** Creates every topic the jobs use (replication factor 1: one broker). */
    void createTopics(List<TopicSpec> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            List<NewTopic> newTopics = topics.stream()
                    .map(topic -> new NewTopic(topic.name(), topic.partitions(), (short) 1).configs(topic.configs())).toList();
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
        }
    }

    private GenericContainer<?> flink(String role) {
        return new GenericContainer<>(DockerImageName.parse(FLINK_IMAGE))
                .withNetworkMode("host")
                .withCommand(role)
                .withEnv("FLINK_JOBMANAGER_HOST", "127.0.0.1")
                .withFileSystemBind(stateDir.toString(), SHARED);
    }
}
