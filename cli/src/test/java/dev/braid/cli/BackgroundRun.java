package dev.braid.cli;

import dev.braid.connectors.Topics;
import dev.braid.schema.Source;
import dev.braid.testing.KafkaTestClient;

import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@code braid} command that runs until Ctrl-C ({@code run}, {@code restore}) on a thread of its
 * own; interrupting the thread stands for Ctrl-C. Also the steps of feeding it: waiting for the
 * topics it creates and sending a backend log line.
 */
public final class BackgroundRun {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Thread thread;
    private final AtomicReference<CliRun> result;

    private BackgroundRun(Thread thread, AtomicReference<CliRun> result) {
        this.thread = thread;
        this.result = result;
    }

    /** Starts {@code command} followed by the Kafka flags of {@code config}, as {@link CliRun#on} runs it. */
    public static BackgroundRun start(Configuration config, List<String> command) {
        AtomicReference<CliRun> result = new AtomicReference<>();
        Thread thread = new Thread(() -> result.set(CliRun.on(config, command)), "braid " + command.get(0));
        thread.start();
        return new BackgroundRun(thread, result);
    }

    /** Stops the command as Ctrl-C would and returns what it printed. */
    public CliRun stop() throws InterruptedException {
        thread.interrupt();
        thread.join(STOP_TIMEOUT.toMillis());
        return result.get();
    }

    /** A port nothing listens on right now: for --rest-port, or a URL that reaches no server. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits up to 30 s for {@code topic}, which a run given --create-topics makes. */
    public static void awaitTopic(String bootstrapServers, String topic) throws InterruptedException {
        Properties client = new Properties();
        client.setProperty("bootstrap.servers", bootstrapServers);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Brokers.topicNames(client).contains(topic) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Waits up to 60 s for a job in state RUNNING on the Flink REST API at {@code localhost:restPort}. */
    public static void awaitRunningJob(int restPort) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest overview = HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + "/jobs/overview")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(overview, HttpResponse.BodyHandlers.ofString()).body().contains("\"state\":\"RUNNING\"")) {
                    return;
                }
            } catch (IOException notUpYet) {
                // the local Flink is still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no running job on port " + restPort + " within 60 s");
    }

    /** What the Prometheus endpoint on {@code localhost:port} serves once it lists the jobs' operators (60 s at most). */
    public static String scrape(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body = http.send(metrics, HttpResponse.BodyHandlers.ofString()).body();
                if (body.contains("flink_taskmanager_job_task_operator")) {
                    return body;
                }
            } catch (IOException notUpYet) {
                // the reporter starts with the local Flink
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no operator metrics on port " + port + " within 60 s:\n" + body);
    }

    /** Sends one backend log line, stamped now, to the raw backend topic. */
    public static void sendLine(KafkaTestClient kafka, Topics topics, String line) {
        kafka.send(List.of(new ProducerRecord<>(topics.raw(Source.BACKEND), null, System.currentTimeMillis(),
                "app".getBytes(StandardCharsets.UTF_8), line.getBytes(StandardCharsets.UTF_8))));
    }
}
