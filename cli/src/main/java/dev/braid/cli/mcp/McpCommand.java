package dev.braid.cli.mcp;

import dev.braid.cli.BraidVersion;
import dev.braid.cli.KafkaOptions;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code braid mcp}: a Model Context Protocol server on standard input and output, so that a
 * coding agent reaches Braid's correlated history as tools instead of by shelling out. Each tool is
 * answered by the {@code braid} command an engineer would run, with the flags given here.
 * Standard output is the protocol's alone: anything else printed goes to standard error.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "Serve Braid to coding agents as a Model Context Protocol server over stdio: timeline, trace, alerts,"
                + " errors, fixes, baselines, regression analysis and status, each answer under 25,000 bytes.")
public final class McpCommand implements Callable<Integer> {

    private static final String INSTRUCTIONS = "Braid correlates a development loop's telemetry (browser, backend, tests, git,"
            + " CI, coding agents) by trace. Start with errors or alerts, open a trace with trace, look around it with timeline,"
            + " and ask fixes what fixed a similar error before. Every answer is paged: pass next_cursor back as cursor.";

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--flink", paramLabel = "URL", defaultValue = "${env:BRAID_FLINK_URL:-http://localhost:8081}",
            description = "Flink's REST API, for status, baseline_save and analyze_regression (default: $BRAID_FLINK_URL,"
                    + " else http://localhost:8081).")
    String flink;

    @Option(names = "--catalog", paramLabel = "FILE",
            description = "The baselines catalog (default: as 'braid baseline' finds it).")
    Path catalog;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream protocol = System.out;
        System.setOut(System.err);
        CountDownLatch inputClosed = new CountDownLatch(1);
        McpJsonMapper json = McpJsonDefaults.getMapper();
        ToolRunner runner = new ToolRunner(givenFlags(), json);
        List<SyncToolSpecification> tools = BraidTools.all().stream()
                .map(tool -> new SyncToolSpecification(tool.definition(), (exchange, request) -> runner.call(tool, request.arguments())))
                .toList();
        McpSyncServer server = McpServer.sync(new StdioServerTransportProvider(json, new EndSignal(System.in, inputClosed), protocol))
                .serverInfo("braid", BraidVersion.current())
                .instructions(INSTRUCTIONS)
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(tools)
                .build();
        System.err.printf("braid mcp: %d tools over stdio, Kafka at %s, Flink at %s%n", tools.size(), kafka.bootstrapServers(), flink);
        inputClosed.await();
        server.closeGracefully();
        return 0;
    }

    /** The flags given on the command line, by option name, as typed: each tool's command takes those it has. */
    private Map<String, List<String>> givenFlags() {
        Map<String, List<String>> given = new LinkedHashMap<>();
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            given.put(option.longestName(), List.copyOf(option.originalStringValues()));
        }
        return given;
    }

    /** Standard input that says when the client closed it: the server's end. */
    private static final class EndSignal extends FilterInputStream {
        private final CountDownLatch ended;

        EndSignal(InputStream in, CountDownLatch ended) {
            super(in);
            this.ended = ended;
        }

        @Override
        public int read() throws IOException {
            return ended(super.read());
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return ended(super.read(buffer, offset, length));
        }

        private int ended(int read) {
            if (read < 0) {
                ended.countDown();
            }
            return read;
        }
    }
}
