package dev.braid.normalize.parse.agent;

import dev.braid.connectors.RawRecord;
import dev.braid.normalize.functions.RawRecordNormalizer;
import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.AgentStep;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.LlmCall;
import dev.braid.schema.McpHealth;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.braid.normalize.parse.SourceRecords.input;
import static dev.braid.normalize.parse.SourceRecords.parseOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class AgentEventParserTest {

    private static final String FIXTURE = "fixtures/agent/agent-events.jsonl";
    private static final String TASK = "task_01JDQ3M8ZK4W2X7V9B6N5R1T0E";
    private static final String ENVELOPE = "\"time\":\"2026-11-21T09:00:00Z\",\"task_id\":\"t-1\",\"signature\":\"s-1\"";

    private final AgentEventParser parser = new AgentEventParser();

    /** The fixture as an agent ships it: one event per Kafka record. */
    private List<NormalizedEvent.Builder> fixtureEvents() throws ParseException {
        List<NormalizedEvent.Builder> drafts = new ArrayList<>();
        for (String line : Fixtures.lines(FIXTURE)) {
            drafts.add(parseOne(parser, line));
        }
        return drafts;
    }

    private List<NormalizedEvent.Builder> ofKind(String kind) throws ParseException {
        return fixtureEvents().stream().filter(d -> d.getKind().equals(kind)).toList();
    }

    private static void assertViolation(AgentEventParser parser, String text, String message) {
        assertThatThrownBy(() -> parser.parse(input(text)))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessage(message);
    }

    /** Metadata named {@code signature} is masked as a credential: the task's must come through. */
    @Test
    void theTaskSignatureSurvivesRedaction() {
        String line = "{\"type\":\"task.attempt\"," + ENVELOPE + ",\"attempt\":1}";
        RawRecord raw = new RawRecord(Source.AGENT, "braid.raw.agent", 0, 0, Instant.parse("2026-11-21T09:00:01Z").toEpochMilli(),
                null, line.getBytes(StandardCharsets.UTF_8), Map.of());

        NormalizedEvent event = new RawRecordNormalizer(1 << 20, Duration.ofMinutes(10)).normalize(raw).events().get(0);

        assertThat(event.getMetadata()).containsEntry(AgentEventParser.TASK_SIGNATURE, "s-1");
    }

    @Test
    void retriedTaskYieldsEveryKindInTheExpectedNumbers() throws ParseException {
        for (String line : Fixtures.lines(FIXTURE)) {
            assertThat(parser.accepts(input(line))).as(line).isTrue();
        }
        Map<String, Long> kinds = fixtureEvents().stream()
                .collect(Collectors.groupingBy(NormalizedEvent.Builder::getKind, Collectors.counting()));

        assertThat(kinds).containsOnly(
                entry("agent.attempt", 7L),
                entry("agent.state", 22L),
                entry("agent.quality_gate", 8L),
                entry("agent.llm_call", 16L),
                entry("agent.mcp_health", 14L),
                entry("agent.outcome", 1L));
    }

    @Test
    void levelsFlagRejectedGatesTimeoutsAndTheFailedCall() throws ParseException {
        Map<Level, Long> levels = fixtureEvents().stream()
                .collect(Collectors.groupingBy(NormalizedEvent.Builder::getLevel, Collectors.counting()));

        assertThat(levels).containsOnly(entry(Level.INFO, 59L), entry(Level.WARN, 8L), entry(Level.ERROR, 1L));
    }

    @Test
    void everyEventIsKeyedByItsTaskAndTracedByItsAttempt() throws ParseException {
        List<NormalizedEvent.Builder> drafts = fixtureEvents();

        assertThat(drafts).extracting(d -> d.getKeysBuilder().getTaskId()).containsOnly(TASK);
        assertThat(drafts).extracting(d -> d.getMetadata().get(AgentEventParser.TASK_SIGNATURE)).containsOnly("c3f1a9e27b4d5068");
        assertThat(drafts).extracting(d -> d.getMetadata().get("agent")).containsOnly("braid-fixer/0.4.2");
        assertThat(drafts).extracting(NormalizedEvent.Builder::getTraceId).doesNotContainNull().hasSize(68);
        assertThat(drafts.stream().map(NormalizedEvent.Builder::getTraceId).distinct()).hasSize(7);
        assertThat(drafts.get(0).getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4701");
    }

    @Test
    void attemptsCountFromOneToSevenAndSayWhyTheyRetried() throws ParseException {
        List<NormalizedEvent.Builder> attempts = ofKind("agent.attempt");

        assertThat(attempts).extracting(d -> ((AgentStep) d.getPayload()).getAttempt())
                .containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(attempts).extracting(d -> ((AgentStep) d.getPayload()).getSignature())
                .containsOnly("c3f1a9e27b4d5068");
        NormalizedEvent.Builder first = attempts.get(0);
        assertThat(first.getMessage()).isEqualTo("task " + TASK + " attempt 1 started");
        assertThat(first.getEventTime()).isEqualTo(Instant.parse("2026-11-21T09:00:00Z"));
        assertThat(first.getKeysBuilder().getRepo()).isEqualTo("acme/storefront");
        assertThat(first.getKeysBuilder().getBranch()).isEqualTo("agent/fix-cart-total");
        assertThat(attempts.get(6).getMetadata().get("reason"))
                .isEqualTo("state signature 9f2c41d07be3a816 repeated in 6 attempts; replanning with a fresh context");
    }

    @Test
    void stateSignaturesRepeatAcrossTheFailingAttempts() throws ParseException {
        Map<String, Long> signatures = ofKind("agent.state").stream()
                .map(d -> ((AgentStep) d.getPayload()).getStateSignature())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

        assertThat(signatures).contains(
                entry("9f2c41d07be3a816", 6L), entry("4be07c55e2d9a130", 6L), entry("e81d2f96a04c7b35", 6L));
        assertThat(signatures).hasSize(7);
    }

    @Test
    void firstStateHasNoPreviousState() throws ParseException {
        NormalizedEvent.Builder first = ofKind("agent.state").get(0);

        AgentStep step = (AgentStep) first.getPayload();
        assertThat(step.getFromState()).isNull();
        assertThat(step.getToState()).isEqualTo("planning");
        assertThat(step.getAttempt()).isEqualTo(1);
        assertThat(first.getMessage()).isEqualTo("task " + TASK + " attempt 1: planning [state 9f2c41d07be3a816]");
        NormalizedEvent.Builder second = ofKind("agent.state").get(1);
        assertThat(((AgentStep) second.getPayload()).getFromState()).isEqualTo("planning");
        assertThat(second.getMessage()).endsWith(": planning -> editing [state 4be07c55e2d9a130]");
    }

    @Test
    void rejectedGatesAreWarningsWithTheirReason() throws ParseException {
        List<NormalizedEvent.Builder> gates = ofKind("agent.quality_gate");

        assertThat(gates).extracting(d -> ((AgentStep) d.getPayload()).getDecision()).containsExactly(
                "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "approved", "approved");
        NormalizedEvent.Builder fourth = gates.get(3);
        assertThat(fourth.getLevel()).isEqualTo(Level.WARN);
        assertThat(fourth.getMetadata())
                .containsEntry("gate", "tests")
                .containsEntry("reason", "e2e tests not run: MCP server playwright timed out");
        assertThat(fourth.getMessage()).isEqualTo("task " + TASK
                + " attempt 4: quality gate 'tests' rejected: e2e tests not run: MCP server playwright timed out");
        assertThat(gates.get(7).getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void overloadedModelCallIsAnErrorWithoutTokenCounts() throws ParseException {
        List<NormalizedEvent.Builder> failed = ofKind("agent.llm_call").stream()
                .filter(d -> d.getLevel() == Level.ERROR).toList();

        assertThat(failed).hasSize(1);
        NormalizedEvent.Builder draft = failed.get(0);
        LlmCall call = (LlmCall) draft.getPayload();
        assertThat(call.getProvider()).isEqualTo("anthropic");
        assertThat(call.getModel()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(call.getError()).isEqualTo("529 overloaded_error: Overloaded");
        assertThat(call.getTokensIn()).isNull();
        assertThat(call.getTokensOut()).isNull();
        assertThat(call.getLatencyMs()).isEqualTo(2214.0);
        assertThat(draft.getMessage())
                .isEqualTo("anthropic claude-sonnet-4-5-20250929 failed after 2214 ms: 529 overloaded_error: Overloaded");
        assertThat(draft.getMetadata()).containsEntry("request_id", "req_011CVKq4nX8dG3bE5yPp2sRj")
                .containsEntry("attempt", "3");
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2026-11-21T09:02:18.200Z"));
    }

    @Test
    void successfulModelCallCarriesTokensLatencyAndCost() throws ParseException {
        NormalizedEvent.Builder draft = ofKind("agent.llm_call").get(0);

        LlmCall call = (LlmCall) draft.getPayload();
        assertThat(call.getTokensIn()).isEqualTo(18432L);
        assertThat(call.getTokensOut()).isEqualTo(1210L);
        assertThat(call.getLatencyMs()).isEqualTo(8204.0);
        assertThat(call.getCostUsd()).isEqualTo(0.073446);
        assertThat(call.getError()).isNull();
        assertThat(draft.getMessage())
                .isEqualTo("anthropic claude-sonnet-4-5-20250929: 18432 tokens in, 1210 out, 8204 ms, $0.073446");
    }

    @Test
    void mcpTimeoutsAreWarningsAndTheirEpochMillisTimeIsRead() throws ParseException {
        List<NormalizedEvent.Builder> timeouts = ofKind("agent.mcp_health").stream()
                .filter(d -> ((McpHealth) d.getPayload()).getStatus().equals("timeout")).toList();

        assertThat(timeouts).hasSize(2);
        NormalizedEvent.Builder draft = timeouts.get(0);
        McpHealth health = (McpHealth) draft.getPayload();
        assertThat(draft.getLevel()).isEqualTo(Level.WARN);
        assertThat(health.getServer()).isEqualTo("playwright");
        assertThat(health.getLatencyMs()).isEqualTo(30000.0);
        assertThat(health.getError()).isEqualTo("MCP error -32001: Request timed out");
        assertThat(draft.getEventTime()).isEqualTo(Instant.ofEpochMilli(1795251839400L));
        assertThat(draft.getMessage())
                .isEqualTo("MCP server playwright timeout after 30000 ms: MCP error -32001: Request timed out");
    }

    @Test
    void mcpServerDownIsAnError() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, "{\"type\":\"mcp.health\"," + ENVELOPE
                + ",\"server\":\"github\",\"status\":\"down\",\"error\":\"connect ECONNREFUSED 127.0.0.1:3000\"}");

        assertThat(draft.getLevel()).isEqualTo(Level.ERROR);
        assertThat(draft.getMessage()).isEqualTo("MCP server github down: connect ECONNREFUSED 127.0.0.1:3000");
    }

    @Test
    void taskEndsInSuccessOnTheSeventhAttempt() throws ParseException {
        List<NormalizedEvent.Builder> outcomes = ofKind("agent.outcome");

        assertThat(outcomes).hasSize(1);
        NormalizedEvent.Builder draft = outcomes.get(0);
        AgentStep step = (AgentStep) draft.getPayload();
        assertThat(draft.getLevel()).isEqualTo(Level.INFO);
        assertThat(step.getOutcome()).isEqualTo("success");
        assertThat(step.getAttempt()).isEqualTo(7);
        assertThat(step.getError()).isNull();
        assertThat(draft.getMetadata())
                .containsEntry("summary", "cartTotal() applies the percentage discount before tax and rounds once"
                        + " at the end; 48 tests pass")
                .containsEntry("pull_request", "https://github.com/acme/storefront/pull/1187");
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2026-11-21T09:07:46.100Z"));
    }

    @Test
    void failedOutcomeIsAnErrorCarryingItsError() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, "{\"type\":\"task.outcome\"," + ENVELOPE
                + ",\"attempt\":3,\"outcome\":\"error\",\"error\":\"gave up after 3 attempts: tests still failing\"}");

        assertThat(draft.getKind()).isEqualTo("agent.outcome");
        assertThat(draft.getLevel()).isEqualTo(Level.ERROR);
        assertThat(((AgentStep) draft.getPayload()).getError()).isEqualTo("gave up after 3 attempts: tests still failing");
        assertThat(draft.getMessage()).isEqualTo("task t-1 attempt 3 failed: gave up after 3 attempts: tests still failing");
    }

    @Test
    void severalLinesInOneRecordBecomeSeveralEvents() throws ParseException {
        String batch = String.join("\n", Fixtures.lines(FIXTURE).subList(0, 5)) + "\n";

        assertThat(parser.parse(input(batch))).extracting(NormalizedEvent.Builder::getKind).containsExactly(
                "agent.attempt", "agent.mcp_health", "agent.mcp_health", "agent.state", "agent.llm_call");
    }

    @Test
    void traceparentIsReadForTraceAndSpan() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, "{\"type\":\"task.attempt\"," + ENVELOPE + ",\"attempt\":1,"
                + "\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}");

        assertThat(draft.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(draft.getSpanId()).isEqualTo("b7ad6b7169203331");
    }

    @Test
    void missingTaskIdIsASchemaViolation() {
        assertViolation(parser, "{\"type\":\"task.attempt\",\"time\":\"2026-11-21T09:00:00Z\",\"signature\":\"s\",\"attempt\":1}",
                "agent event #1 (line 1): missing required field 'task_id'");
    }

    @Test
    void unknownTypeIsRejectedListingTheAllowedOnes() {
        assertViolation(parser, "{\"type\":\"tool.call\"," + ENVELOPE + "}",
                "agent event #1 (line 1): unknown type 'tool.call'; allowed: [task.attempt, task.state,"
                        + " quality_gate, llm.call, mcp.health, task.outcome]");
    }

    @Test
    void negativeTokenCountIsRejected() {
        assertViolation(parser, "{\"type\":\"llm.call\"," + ENVELOPE + ",\"provider\":\"openai\",\"model\":\"gpt-4o\","
                        + "\"tokens_in\":-5,\"tokens_out\":10,\"latency_ms\":900}",
                "agent event #1 (line 1): field 'tokens_in' must be an integer that is not negative, got -5");
    }

    @Test
    void successfulCallMustReportItsTokens() {
        assertViolation(parser, "{\"type\":\"llm.call\"," + ENVELOPE + ",\"provider\":\"openai\",\"model\":\"gpt-4o\","
                        + "\"tokens_in\":1200,\"latency_ms\":900}",
                "agent event #1 (line 1): missing required field 'tokens_out'");
    }

    @Test
    void attemptEventWithoutItsNumberIsRejected() {
        assertViolation(parser, "{\"type\":\"task.attempt\"," + ENVELOPE + "}",
                "agent event #1 (line 1): missing required field 'attempt'");
        assertViolation(parser, "{\"type\":\"task.attempt\"," + ENVELOPE + ",\"attempt\":0}",
                "agent event #1 (line 1): field 'attempt' must be an integer >= 1, got 0");
    }

    @Test
    void enumeratedFieldsNameTheirAllowedValues() {
        assertViolation(parser, "{\"type\":\"quality_gate\"," + ENVELOPE + ",\"gate\":\"lint\",\"decision\":\"maybe\"}",
                "agent event #1 (line 1): field 'decision' must be one of [approved, rejected], got 'maybe'");
        assertViolation(parser, "{\"type\":\"mcp.health\"," + ENVELOPE + ",\"server\":\"github\",\"status\":\"degraded\"}",
                "agent event #1 (line 1): field 'status' must be one of [up, down, timeout], got 'degraded'");
        assertViolation(parser, "{\"type\":\"task.outcome\"," + ENVELOPE + ",\"outcome\":\"failed\"}",
                "agent event #1 (line 1): field 'outcome' must be one of [error, success], got 'failed'");
    }

    @Test
    void stateWithoutStateSignatureIsRejected() {
        assertViolation(parser, "{\"type\":\"task.state\"," + ENVELOPE + ",\"from\":\"planning\",\"to\":\"editing\"}",
                "agent event #1 (line 1): missing required field 'state_signature'");
    }

    @Test
    void unreadableTimeIsRejected() {
        assertViolation(parser, "{\"type\":\"task.attempt\",\"time\":\"9 am\",\"task_id\":\"t\",\"signature\":\"s\",\"attempt\":1}",
                "agent event #1 (line 1): field 'time' must be an ISO-8601 time or epoch milliseconds, got \"9 am\"");
    }

    @Test
    void epochSecondsAreNotMistakenForMilliseconds() {
        assertViolation(parser, "{\"type\":\"task.attempt\",\"time\":1795251600,\"task_id\":\"t\",\"signature\":\"s\","
                        + "\"attempt\":1}",
                "agent event #1 (line 1): field 'time' must be epoch milliseconds, got 1795251600 (epoch seconds?)");
    }

    @Test
    void badEventInABatchIsNamedByItsPosition() {
        List<String> lines = new ArrayList<>(Fixtures.lines(FIXTURE).subList(0, 3));
        lines.add(lines.get(2).replace("\"status\":\"up\"", "\"status\":\"flaky\""));

        assertViolation(parser, String.join("\n", lines),
                "agent event #4 (line 4): field 'status' must be one of [up, down, timeout], got 'flaky'");
    }

    @Test
    void brokenJsonIsUnparseable() {
        String line = Fixtures.lines(FIXTURE).get(0);

        assertThatThrownBy(() -> parser.parse(input(line.substring(0, line.length() - 10))))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE))
                .hasMessageStartingWith("invalid JSON at line 1");
    }

    @Test
    void everyExampleInTheContractDocumentParses() throws IOException, ParseException {
        // Maven runs tests in the module directory; the contract lives at the repository root.
        String doc = Files.readString(Path.of("../../docs/agent-events.md"));
        Matcher example = Pattern.compile("```json\n(.*?)\n```", Pattern.DOTALL).matcher(doc);
        List<String> kinds = new ArrayList<>();
        while (example.find()) {
            kinds.add(parseOne(parser, example.group(1)).getKind());
        }

        assertThat(kinds).containsExactly("agent.attempt", "agent.state", "agent.quality_gate", "agent.llm_call",
                "agent.mcp_health", "agent.outcome");
    }

    @Test
    void doesNotAcceptOtherJson() {
        assertThat(parser.accepts(input(Fixtures.lines("fixtures/git/post-commit.jsonl").get(0)))).isFalse();
        assertThat(parser.accepts(input("{\"level\":30,\"msg\":\"task done\"}"))).isFalse();
    }
}
