package dev.braid.cli;

import io.modelcontextprotocol.client.transport.ServerParameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code braid} in a JVM of its own, as the script starts it, on this test's class path: for what
 * must be a separate process, such as an MCP server on standard input and output, or the demo it
 * serves.
 */
public final class BraidProcess implements AutoCloseable {

    private static final List<String> JVM_FLAGS = List.of("-Xmx1g",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED");
    private static final Pattern DEMO_READY =
            Pattern.compile("Braid keeps running on Kafka at (\\S+), Flink's REST API at (https?://\\S+?:\\d+)");

    private final Process process;
    private final String bootstrapServers;
    private final String flinkUrl;

    private BraidProcess(Process process, String bootstrapServers, String flinkUrl) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.flinkUrl = flinkUrl;
    }

    /** The java command line of {@code braid ARGS...}. */
    public static List<String> commandLine(String... args) {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.addAll(JVM_FLAGS);
        line.addAll(List.of("-cp", System.getProperty("java.class.path"), Braid.class.getName()));
        line.addAll(List.of(args));
        return line;
    }

    /** How the MCP SDK's stdio client starts {@code braid ARGS...}. */
    public static ServerParameters serverParameters(String... args) {
        List<String> line = commandLine(args);
        return ServerParameters.builder(line.get(0)).args(line.subList(1, line.size())).build();
    }

    /**
     * {@code braid demo --follow}: replays the demo scenario and keeps its broker and jobs running.
     * Returns once it prints where they run; fails after {@code timeout} with what it printed.
     */
    public static BraidProcess demo(Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(commandLine("demo", "--follow", "--rest-port", "0", "--metrics-port", "0"))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        StringBuilder printed = new StringBuilder();
        CompletableFuture<Matcher> ready = CompletableFuture.supplyAsync(() -> awaitLine(process, printed));
        try {
            Matcher where = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new BraidProcess(process, where.group(1), where.group(2));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("braid demo --follow was not ready within " + timeout + ":\n" + printed, e);
        }
    }

    private static Matcher awaitLine(Process process, StringBuilder printed) {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                synchronized (printed) {
                    printed.append(line).append('\n');
                }
                Matcher where = DEMO_READY.matcher(line);
                if (where.find()) {
                    // Keep reading so that a full pipe never blocks the demo.
                    Thread drain = new Thread(() -> out.lines().forEach(ignored -> { }), "demo stdout");
                    drain.setDaemon(true);
                    drain.start();
                    return where;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("braid demo ended before it was ready");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String flinkUrl() {
        return flinkUrl;
    }

    /** Stops it as Ctrl-C would, and waits for it to end. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
