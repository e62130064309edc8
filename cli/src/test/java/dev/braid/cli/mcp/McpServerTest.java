package dev.braid.cli.mcp;

import dev.braid.cli.BraidProcess;
import dev.braid.cli.CliRun;
import dev.braid.cli.DemoScenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code braid mcp} as an agent meets it: a subprocess on stdio, driven by the MCP SDK's client,
 * over the broker and jobs of {@code braid demo --follow}. Each tool's answers equal what the
 * {@code braid} command prints, and no response is over 25,000 bytes.
 */
class McpServerTest {

    /** The JSON {@code null}, base64url-encoded as cursors are. */
    private static final String NULL_CURSOR = "bnVsbA";
    /** More than a response may hold, twice over once echoed in an error and escaped. */
    private static final int HUGE_ARGUMENT_CHARS = 40_000;
    private static final Duration DEMO_READY = Duration.ofMinutes(6);
    /** The JSON-RPC envelope around a result, which the response limit counts too. */
    private static final int ENVELOPE_BYTES = 100;
    private static final List<String> TOOLS = List.of("timeline", "trace", "alerts", "errors", "fixes", "baseline_save",
            "baseline_list", "analyze_regression", "status");
    /** The demo's first agent run fails with this; its second succeeds on the same task signature. */
    private static final String AGENT_ERROR = "tests still failing: checkout validates password";
    /** Where {@code npm ci --prefix src/test/mcp-inspector} installs the inspector (.ci/run does). */
    private static final Path INSPECTOR = Path.of("src/test/mcp-inspector/node_modules/.bin/mcp-inspector");
    /** CI sets it: there a missing inspector fails the test instead of skipping it. */
    private static final boolean INSPECTOR_REQUIRED = System.getenv("BRAID_REQUIRE_MCP_INSPECTOR") != null;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final McpJsonMapper MCP_JSON = McpJsonDefaults.getMapper();

    @TempDir
    static Path workDir;

    private static BraidProcess demo;
    private static McpSyncClient client;

    @BeforeAll
    static void startDemoAndServer() throws Exception {
        demo = BraidProcess.demo(DEMO_READY);
        client = McpClient.sync(new StdioClientTransport(BraidProcess.serverParameters(serverArgs()), MCP_JSON))
                .requestTimeout(Duration.ofMinutes(3))
                .initializationTimeout(Duration.ofMinutes(1))
                .build();
        client.initialize();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (client != null) {
            client.closeGracefully();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void initializesAndListsEveryToolWithADocumentedSchema() {
        assertThat(client.getServerInfo().name()).isEqualTo("braid");
        List<Tool> tools = client.listTools().tools();
        assertThat(tools).extracting(Tool::name).containsExactlyInAnyOrderElementsOf(TOOLS);
        for (Tool tool : tools) {
            assertThat(tool.description()).as(tool.name()).isNotBlank();
            assertThat(tool.inputSchema().get("type")).isEqualTo("object");
            ((Map<?, ?>) tool.inputSchema().get("properties")).forEach((name, property) ->
                    assertThat(((Map<?, ?>) property).get("description")).as(tool.name() + "." + name).isNotNull());
        }
    }

    @Test
    void pagesThroughTheTimelineAsObserveDoes() throws IOException {
        List<JsonNode> pages = pages("timeline", Map.of("since", "all"));
        List<String> viaCli = ids(observeAll("timeline", "--since", "all"), "id");

        assertThat(pages).as("the demo's timeline is larger than one response").hasSizeGreaterThan(2);
        assertThat(ids(records(pages, "records"), "id")).isNotEmpty().containsExactlyElementsOf(viaCli);
    }

    @Test
    void narrowsTheTimelineByTheFiltersOfObserve() throws IOException {
        List<JsonNode> viaMcp = records(pages("timeline", Map.of("since", "all", "source", List.of("test"), "level", "error")), "records");
        List<JsonNode> viaCli = observeAll("timeline", "--since", "all", "--source", "test", "--level", "error");

        assertThat(ids(viaMcp, "id")).isNotEmpty().containsExactlyElementsOf(ids(viaCli, "id"));
        viaMcp.forEach(event -> assertThat(event.get("source").asText()).isEqualTo("TEST"));
    }

    @Test
    void showsTheBrokenCheckoutsTraceAsObserveDoes() throws IOException {
        List<JsonNode> pages = pages("trace", Map.of("trace_id", DemoScenario.CHECKOUT_TRACE_ID, "since", "all"));
        JsonNode cli = cli("observe", "trace", DemoScenario.CHECKOUT_TRACE_ID, "--since", "all", "--json");

        assertThat(pages.get(0).get("trace")).isEqualTo(cli.get("trace"));
        assertThat(pages.get(0).get("trace").get("firstError").isObject()).isTrue();
        assertThat(records(pages, "records")).containsExactlyElementsOf(
                observeAll("trace", DemoScenario.CHECKOUT_TRACE_ID, "--since", "all"));
    }

    @Test
    void listsTheAlertsAsObserveDoes() throws IOException {
        List<JsonNode> all = records(pages("alerts", Map.of("since", "all", "page_size", 5)), "records");
        List<JsonNode> open = records(pages("alerts", Map.of("since", "all", "open", true, "family", List.of("ci"))), "records");

        assertThat(all).isNotEmpty().containsExactlyElementsOf(observeAll("alerts", "--since", "all"));
        assertThat(open).containsExactlyElementsOf(observeAll("alerts", "--since", "all", "--open", "--family", "ci"));
    }

    @Test
    void groupsTheErrorsBySignatureAsObserveDoes() throws IOException {
        List<JsonNode> signatures = records(pages("errors", Map.of("since", "all")), "records");

        assertThat(signatures).isNotEmpty().containsExactlyElementsOf(observeAll("errors", "--since", "all"));
        assertThat(signatures).allSatisfy(signature -> assertThat(signature.get("count").asInt()).isPositive());
        assertThat(signatures).anySatisfy(signature -> assertThat(signature.get("traces").toString())
                .contains(DemoScenario.CHECKOUT_TRACE_ID));
    }

    @Test
    void findsWhatFixedTheAgentsErrorBefore() throws IOException {
        List<JsonNode> fixes = records(pages("fixes", Map.of("error", AGENT_ERROR, "since", "all")), "records");

        assertThat(fixes).isNotEmpty().containsExactlyElementsOf(observeAll("fixes", AGENT_ERROR, "--since", "all"));
        assertThat(fixes.get(0).get("similarity").asDouble()).isEqualTo(1.0);
        assertThat(fixes.get(0).get("fix").asText()).contains("allow symbols in the password policy");
    }

    @Test
    void savesAndListsABaselineAndAnalysesTheLiveJobAgainstIt() {
        JsonNode saved = structured(call("baseline_save", Map.of("name", "mcp-green", "note", "saved by an agent")));
        JsonNode listed = structured(call("baseline_list", Map.of()));
        JsonNode analysed = structured(call("analyze_regression", Map.of("baseline", "mcp-green", "live", true)));

        assertThat(saved.get("name").asText()).isEqualTo("mcp-green");
        assertThat(saved.get("savepoint").asText()).isNotBlank();
        assertThat(listed.get("baselines")).extracting(baseline -> baseline.get("name").asText()).contains("mcp-green");
        assertThat(analysed.get("baseline").get("name").asText()).isEqualTo("mcp-green");
        assertThat(analysed.get("regressions").isArray()).isTrue();
        assertThat(analysed.get("total").asInt()).isEqualTo(analysed.get("regressions").size());
    }

    @Test
    void reportsTheRunningJobTheGroupsLagAndTheTopicsSizes() {
        JsonNode status = structured(call("status", Map.of()));

        assertThat(status.get("flink").get("jobs")).anySatisfy(job -> assertThat(job.get("state").asText()).isEqualTo("RUNNING"));
        assertThat(status.get("topics").get("braid.events").get("records").asLong()).isPositive();
        assertThat(status.get("consumerGroups").size()).isPositive();
    }

    @Test
    void answersAFailingCommandWithAToolErrorHoldingTheCliLine() {
        CallToolResult unknown = call("trace", Map.of("trace_id", "0123456789abcdef0123456789abcdef", "since", "all"));
        CallToolResult foreignCursor = call("alerts", Map.of("cursor", "not-a-cursor"));
        CallToolResult nullCursor = call("alerts", Map.of("cursor", NULL_CURSOR));
        CallToolResult echoed = call("trace", Map.of("trace_id", "f".repeat(HUGE_ARGUMENT_CHARS), "since", "all"));

        assertThat(unknown.isError()).isTrue();
        assertThat(text(unknown)).startsWith("braid: no trace 0123456789abcdef0123456789abcdef on braid.traces");
        assertThat(foreignCursor.isError()).isTrue();
        assertThat(text(foreignCursor)).startsWith("braid: cursor not-a-cursor is not a next_cursor the alerts tool returned");
        assertThat(text(nullCursor)).startsWith("braid: cursor " + NULL_CURSOR + " is not a next_cursor the alerts tool returned");
        assertThat(echoed.isError()).isTrue();
        assertThat(text(echoed)).as("an error echoing its argument is cut").startsWith("braid: ").endsWith(" chars cut]");
    }

    /** An agent pastes test output as it is: a Go failure line opens with dashes, and an @ reads no file. */
    @Test
    void takesFreeTextThatLooksLikeAnOptionOrAnArgumentFileAsText() {
        CallToolResult goFailure = call("fixes", Map.of("error", "--- FAIL: TestCheckout (0.00s)", "since", "all"));
        CallToolResult atFile = call("fixes", Map.of("error", "@/etc/hostname", "since", "all"));

        assertThat(structured(goFailure).get("records").isArray()).isTrue();
        assertThat(structured(atFile).get("records").isArray()).isTrue();
        assertThat(structured(atFile).toString()).doesNotContain(hostname());
    }

    /** The input schemas are checked before a command runs: a wrong type is never read as the default. */
    @Test
    void answersArgumentsOfTheWrongTypeWithAToolErrorNamingThem() {
        CallToolResult since = call("timeline", Map.of("since", 3600));
        CallToolResult open = call("alerts", Map.of("open", "yes"));

        assertThat(since.isError()).isTrue();
        assertThat(text(since)).contains("/since", "string expected");
        assertThat(open.isError()).isTrue();
        assertThat(text(open)).contains("/open", "boolean expected");
    }

    /** A client no one here wrote: the MCP inspector's CLI mode, from npm. */
    @Test
    void servesTheInspectorsCliMode() throws Exception {
        if (!INSPECTOR_REQUIRED) {
            assumeTrue(Files.isExecutable(INSPECTOR), "install the inspector with: npm ci --prefix cli/src/test/mcp-inspector");
        }
        Path server = workDir.resolve("braid-mcp.sh");
        Files.writeString(server, "#!/bin/sh\nexec " + String.join(" ", BraidProcess.commandLine(serverArgs()).stream()
                .map(word -> "'" + word.replace("'", "'\\''") + "'").toList()) + "\n");
        Files.setPosixFilePermissions(server, PosixFilePermissions.fromString("rwx------"));

        JsonNode tools = inspector(server, "--method", "tools/list");
        JsonNode trace = inspector(server, "--method", "tools/call", "--tool-name", "trace",
                "--tool-arg", "trace_id=" + DemoScenario.CHECKOUT_TRACE_ID, "--tool-arg", "since=all");
        JsonNode alerts = inspector(server, "--method", "tools/call", "--tool-name", "alerts", "--tool-arg", "since=all");

        assertThat(tools.get("tools")).extracting(tool -> tool.get("name").asText()).containsExactlyInAnyOrderElementsOf(TOOLS);
        assertThat(trace.get("structuredContent").get("trace").get("traceId").asText()).isEqualTo(DemoScenario.CHECKOUT_TRACE_ID);
        assertThat(alerts.get("structuredContent").get("records").size()).isPositive();
    }

    private static String[] serverArgs() {
        return new String[] {"mcp", "--bootstrap-servers", demo.bootstrapServers(), "--flink", demo.flinkUrl(),
                "--catalog", workDir.resolve("baselines.json").toString()};
    }

    private static JsonNode inspector(Path server, String... args) throws Exception {
        List<String> line = new ArrayList<>(List.of(INSPECTOR.toString(), "--cli", server.toString()));
        line.addAll(List.of(args));
        Process process = new ProcessBuilder(line).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("mcp-inspector %s printed:%n%s", String.join(" ", args), out).isZero();
        return JSON.readTree(out);
    }

    /** Calls a tool and checks what every response must be: at most 25,000 bytes, its text the JSON of its structured content. */
    private static CallToolResult call(String tool, Map<String, Object> arguments) {
        CallToolResult result = client.callTool(new CallToolRequest(tool, arguments));
        try {
            assertThat(MCP_JSON.writeValueAsBytes(result).length + ENVELOPE_BYTES).as("bytes of a %s response", tool)
                    .isLessThanOrEqualTo(ToolRunner.MAX_RESPONSE_BYTES);
            if (!Boolean.TRUE.equals(result.isError())) {
                assertThat(JSON.readTree(text(result))).isEqualTo(JSON.valueToTree(result.structuredContent()));
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return result;
    }

    /** Every response of a tool from the first to the last page, following next_cursor. */
    private static List<JsonNode> pages(String tool, Map<String, Object> arguments) {
        List<JsonNode> pages = new ArrayList<>();
        Map<String, Object> page = arguments;
        while (true) {
            JsonNode document = structured(call(tool, page));
            pages.add(document);
            if (!document.path("more").asBoolean()) {
                return pages;
            }
            Map<String, Object> next = new HashMap<>();
            next.put("cursor", document.get("next_cursor").asText());
            page = next;
        }
    }

    /** Every record of every page of {@code braid observe WHAT ARGS... --json}, as the CLI pages. */
    private static List<JsonNode> observeAll(String what, String... args) throws IOException {
        List<String> line = new ArrayList<>(List.of("observe", what));
        line.addAll(List.of(args));
        line.add("--json");
        List<JsonNode> records = new ArrayList<>();
        String cursor = null;
        do {
            List<String> page = new ArrayList<>(line);
            if (cursor != null) {
                page.addAll(List.of("--cursor", cursor));
            }
            JsonNode document = cli(page.toArray(String[]::new));
            document.get("records").forEach(records::add);
            cursor = document.get("more").asBoolean() ? document.get("next_cursor").asText() : null;
        } while (cursor != null);
        return records;
    }

    private static JsonNode cli(String... args) throws IOException {
        List<String> line = new ArrayList<>(List.of(args));
        line.addAll(List.of("--bootstrap-servers", demo.bootstrapServers()));
        CliRun run = CliRun.of(line.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return JSON.readTree(run.out());
    }

    private static JsonNode structured(CallToolResult result) {
        assertThat(result.isError()).as(text(result)).isNotEqualTo(Boolean.TRUE);
        return JSON.valueToTree(result.structuredContent());
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }

    private static List<JsonNode> records(List<JsonNode> pages, String field) {
        List<JsonNode> records = new ArrayList<>();
        pages.forEach(page -> page.get(field).forEach(records::add));
        return records;
    }

    private static List<String> ids(List<JsonNode> records, String field) {
        return records.stream().map(record -> record.get(field).asText()).toList();
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException e) {
            return "\0 no /etc/hostname";
        }
    }

}
