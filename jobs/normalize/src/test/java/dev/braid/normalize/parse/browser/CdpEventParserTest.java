package dev.braid.normalize.parse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.SourceRecords;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.braid.normalize.parse.SourceRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

class CdpEventParserTest {

    private static final SourceRecords BROWSER = SourceRecords.of(BrowserParsers.all(), "browser");

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    // Zero-based lines of cdp-events.jsonl.
    private static final int REQUEST_POST_ORDERS = 17;
    private static final int REQUEST_UNREACHABLE = 18;
    private static final int WEBSOCKET_CREATED = 19;
    private static final int EXTRA_INFO_POST_ORDERS = 20;
    private static final int LOAD_EVENT_FIRED = 22;
    private static final int LOADING_FAILED = 23;
    private static final int LOG_CONNECTION_REFUSED = 24;
    private static final int RESPONSE_POST_ORDERS = 26;
    private static final int RESPONSE_FAVICON = 40;
    private static final int RESPONSE_DOCUMENT = 2;
    private static final int LOADING_FINISHED_DOCUMENT = 7;
    private static final int SYNTAX_ERROR = 44;
    private static final int REFERENCE_ERROR = 45;

    /** The event of the CDP fixture line at a zero-based index. */
    private static NormalizedEvent.Builder cdpLine(int index) throws ParseException {
        return BROWSER.one(BROWSER.lines("cdp-events.jsonl").get(index));
    }

    @Test
    void everyRecordedMessageBecomesOneCdpEventNamingItsMethod() throws ParseException {
        List<String> lines = BROWSER.lines("cdp-events.jsonl");
        List<NormalizedEvent.Builder> events = BROWSER.eachLine("cdp-events.jsonl");

        assertThat(events).hasSize(47);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode message = Json.parse(lines.get(i));
            assertThat(format(events.get(i))).isEqualTo("cdp");
            assertThat(events.get(i).getMetadata()).containsEntry("cdp.method", message.get("method").asText());
            assertThat(events.get(i).getKeysBuilder().getSession()).as("the page target sends no sessionId").isNull();
        }
    }

    @Test
    void eachMethodFamilyMapsToItsEventKind() throws ParseException {
        Map<String, Long> kinds = BROWSER.eachLine("cdp-events.jsonl").stream()
                .collect(Collectors.groupingBy(NormalizedEvent.Builder::getKind, Collectors.counting()));

        assertThat(kinds).containsOnly(
                entry("network.request", 6L),
                entry("network.response", 5L),
                entry("network.failure", 1L),
                entry("browser.console", 9L),
                entry("browser.log", 3L),
                entry("browser.exception", 2L),
                entry("websocket.frame", 4L),
                entry("browser.cdp", 17L));
    }

    @Test
    void unrelatedMethodsAreKeptAsDebugCdpEventsNamedByTheirMethod() throws ParseException {
        List<NormalizedEvent.Builder> others = BROWSER.eachLine("cdp-events.jsonl").stream()
                .filter(event -> event.getKind().equals("browser.cdp")).toList();

        assertThat(others).allSatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(event.getMessage()).isEqualTo(event.getMetadata().get("cdp.method"));
            assertThat(event.getPayload()).isNull();
        });
        assertThat(others).extracting(NormalizedEvent.Builder::getMessage).containsOnly(
                "Network.requestWillBeSentExtraInfo", "Network.responseReceivedExtraInfo", "Network.loadingFinished",
                "Network.webSocketCreated", "Network.webSocketWillSendHandshakeRequest",
                "Network.webSocketHandshakeResponseReceived", "Page.loadEventFired");

        NormalizedEvent.Builder loaded = cdpLine(LOAD_EVENT_FIRED);
        assertThat(loaded.getMessage()).isEqualTo("Page.loadEventFired");
        assertThat(loaded.hasEventTime()).as("its timestamp is monotonic, not epoch").isFalse();
        assertThat(cdpLine(LOADING_FINISHED_DOCUMENT).getMetadata())
                .containsEntry("requestId", "286245B78F77C6E03159B531EC13BD44");
        assertThat(cdpLine(WEBSOCKET_CREATED).getMetadata())
                .containsEntry("requestId", "8616.7")
                .containsEntry("url", "ws://127.0.0.1:8765/echo");
    }

    @Test
    void postOrdersRequestTakesTraceAndSpanIdFromItsTraceparentHeader() throws ParseException {
        NormalizedEvent.Builder request = cdpLine(REQUEST_POST_ORDERS);

        assertThat(request.getKind()).isEqualTo("network.request");
        assertThat(request.getLevel()).isEqualTo(Level.INFO);
        assertThat(request.getMessage()).isEqualTo("POST http://127.0.0.1:8765/api/orders");
        assertThat(request.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(request.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(request.getMetadata()).containsEntry("page", "http://127.0.0.1:8765/");

        NetworkRequest payload = (NetworkRequest) request.getPayload();
        assertThat(payload.getRequestId()).isEqualTo("8616.5");
        assertThat(payload.getMethod()).isEqualTo("POST");
        assertThat(payload.getUrl()).isEqualTo("http://127.0.0.1:8765/api/orders");
        assertThat(payload.getResourceType()).isEqualTo("Fetch");
        assertThat(payload.getStatus()).isNull();
        assertThat(payload.getRequestHeaders())
                .containsEntry("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .containsEntry("Content-Type", "application/json");
    }

    @Test
    void requestTimeIsItsWallTimeInEpochSeconds() throws ParseException {
        assertThat(cdpLine(REQUEST_POST_ORDERS).getEventTime()).isEqualTo(time("2026-11-21T16:58:54.291Z"));
        assertThat(cdpLine(0).getEventTime()).isEqualTo(time("2026-11-21T16:58:54.229Z"));
    }

    @Test
    void requestWithoutTraceHeadersHasNoTraceId() throws ParseException {
        NormalizedEvent.Builder request = cdpLine(REQUEST_UNREACHABLE);

        assertThat(request.getMessage()).isEqualTo("GET http://127.0.0.1:8799/api/unreachable");
        assertThat(request.getTraceId()).isNull();
        assertThat(request.getSpanId()).isNull();
    }

    @Test
    void extraInfoHeadersOfThePostOrdersRequestStillCarryItsTrace() throws ParseException {
        NormalizedEvent.Builder extra = cdpLine(EXTRA_INFO_POST_ORDERS);

        assertThat(extra.getKind()).isEqualTo("browser.cdp");
        assertThat(extra.getMetadata()).containsEntry("requestId", "8616.5");
        assertThat(extra.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(extra.getSpanId()).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void postOrdersServerErrorResponseIsAnErrorWithStatus500() throws ParseException {
        NormalizedEvent.Builder response = cdpLine(RESPONSE_POST_ORDERS);

        assertThat(response.getKind()).isEqualTo("network.response");
        assertThat(response.getLevel()).isEqualTo(Level.ERROR);
        assertThat(response.getMessage()).isEqualTo("500 Internal Server Error http://127.0.0.1:8765/api/orders");
        assertThat(response.getMetadata()).containsEntry("mimeType", "application/json");

        NetworkRequest payload = (NetworkRequest) response.getPayload();
        assertThat(payload.getStatus()).isEqualTo(500);
        assertThat(payload.getRequestId()).as("joins the request event").isEqualTo("8616.5");
        assertThat(payload.getUrl()).isEqualTo("http://127.0.0.1:8765/api/orders");
        assertThat(payload.getResourceType()).isEqualTo("Fetch");
        assertThat(payload.getDurationMs()).isEqualTo(7.158);
        assertThat(response.getTraceId()).as("an X-Request-ID must not split it from its request").isNull();
        assertThat(response.getMetadata()).containsEntry("x-request-id", "req-7f3a");
    }

    @Test
    void responseLevelFollowsTheHttpStatus() throws ParseException {
        assertThat(List.of(cdpLine(RESPONSE_DOCUMENT), cdpLine(RESPONSE_FAVICON), cdpLine(RESPONSE_POST_ORDERS)))
                .extracting(event -> ((NetworkRequest) event.getPayload()).getStatus(), NormalizedEvent.Builder::getLevel)
                .containsExactly(tuple(200, Level.INFO), tuple(404, Level.WARN), tuple(500, Level.ERROR));
    }

    @Test
    void refusedConnectionIsANetworkFailureError() throws ParseException {
        NormalizedEvent.Builder failure = cdpLine(LOADING_FAILED);

        assertThat(failure.getKind()).isEqualTo("network.failure");
        assertThat(failure.getLevel()).isEqualTo(Level.ERROR);
        assertThat(failure.getMessage()).isEqualTo("request failed: net::ERR_CONNECTION_REFUSED");
        assertThat(failure.getMetadata()).containsEntry("canceled", "false");
        assertThat(failure.hasEventTime()).as("loadingFailed has only a monotonic timestamp").isFalse();

        NetworkRequest payload = (NetworkRequest) failure.getPayload();
        assertThat(payload.getErrorText()).isEqualTo("net::ERR_CONNECTION_REFUSED");
        assertThat(payload.getRequestId()).isEqualTo("8616.6");
        assertThat(payload.getResourceType()).isEqualTo("Fetch");
    }

    @Test
    void canceledRequestIsOnlyAWarning() throws ParseException {
        NormalizedEvent.Builder canceled = BROWSER.one("{\"method\":\"Network.loadingFailed\",\"params\":{\"requestId\":\"9.1\","
                + "\"timestamp\":12.5,\"type\":\"XHR\",\"errorText\":\"net::ERR_ABORTED\",\"canceled\":true}}");

        assertThat(canceled.getLevel()).isEqualTo(Level.WARN);
        assertThat(canceled.getMetadata()).containsEntry("canceled", "true");
        assertThat(canceled.getMessage()).isEqualTo("request failed: net::ERR_ABORTED");
    }

    @Test
    void consoleCallsKeepTheirLevelAndPrintTheirArgumentsAsDevToolsDoes() throws ParseException {
        List<NormalizedEvent.Builder> console = BROWSER.eachLine("cdp-events.jsonl").stream()
                .filter(event -> event.getKind().equals("browser.console")).toList();

        assertThat(console).extracting(
                        event -> event.getMetadata().get("console.type"),
                        NormalizedEvent.Builder::getLevel,
                        NormalizedEvent.Builder::getMessage)
                .containsExactly(
                        tuple("log", Level.INFO, "page loaded Object"),
                        tuple("warning", Level.WARN, "Deprecated API used: legacyCheckout()"),
                        tuple("error", Level.ERROR, "Failed to load recommendations: Error: recommendations service unavailable\n"
                                + "    at http://127.0.0.1:8765/:34:52"),
                        tuple("info", Level.INFO, "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 checkout view rendered"),
                        tuple("error", Level.ERROR, "network error: Failed to fetch"),
                        tuple("error", Level.ERROR, "order request failed with status 500"),
                        tuple("log", Level.INFO, "ws received echo: hello"),
                        tuple("log", Level.INFO, "ws received echo: {\"type\":\"ping\",\"seq\":1}"),
                        tuple("log", Level.INFO, "buy clicked"));
        assertThat(console).allSatisfy(event ->
                assertThat(event.getMetadata()).containsEntry("url", "http://127.0.0.1:8765/"));
    }

    @Test
    void consoleTimestampsAreEpochMillis() throws ParseException {
        List<NormalizedEvent.Builder> console = BROWSER.eachLine("cdp-events.jsonl").stream()
                .filter(event -> event.getKind().equals("browser.console")).toList();

        assertThat(console.get(0).getEventTime()).isEqualTo(time("2026-11-21T16:58:54.289Z"));
        assertThat(console.get(1).getEventTime()).isEqualTo(time("2026-11-21T16:58:54.290Z"));
        assertThat(console.get(8).getEventTime()).isEqualTo(time("2026-11-21T16:58:55.880Z"));
    }

    @Test
    void consoleLineWithTraceIdFieldCarriesTheTrace() throws ParseException {
        NormalizedEvent.Builder rendered = BROWSER.eachLine("cdp-events.jsonl").stream()
                .filter(event -> event.getMessage().endsWith("checkout view rendered")).findFirst().orElseThrow();

        assertThat(rendered.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(rendered.getSpanId()).isNull();
    }

    @Test
    void consoleTypesMapOntoLevels() throws ParseException {
        Function<String, Level> levelOf = type -> {
            try {
                return BROWSER.one("{\"method\":\"Runtime.consoleAPICalled\",\"params\":{\"type\":\"" + type
                        + "\",\"args\":[{\"type\":\"string\",\"value\":\"x\"}],\"timestamp\":1795280334289.3}}").getLevel();
            } catch (ParseException e) {
                throw new AssertionError(e);
            }
        };

        assertThat(List.of("log", "info", "warning", "error", "assert", "debug", "trace", "table"))
                .extracting(levelOf)
                .containsExactly(Level.INFO, Level.INFO, Level.WARN, Level.ERROR, Level.ERROR, Level.DEBUG, Level.DEBUG, Level.INFO);
    }

    @Test
    void uncaughtExceptionsAreErrorsWithTheirFirstLineAndFullStack() throws ParseException {
        NormalizedEvent.Builder syntax = cdpLine(SYNTAX_ERROR);

        assertThat(syntax.getKind()).isEqualTo("browser.exception");
        assertThat(syntax.getLevel()).isEqualTo(Level.ERROR);
        assertThat(syntax.getMessage()).isEqualTo("SyntaxError: Unexpected end of JSON input");
        assertThat(syntax.getEventTime()).isEqualTo(time("2026-11-21T16:58:54.398Z"));
        assertThat(syntax.getMetadata())
                .containsEntry("url", "http://127.0.0.1:8765/")
                .containsEntry("line", "0")
                .containsEntry("column", "11")
                .containsEntry("stack", "SyntaxError: Unexpected end of JSON input\n"
                        + "    at JSON.parse (<anonymous>)\n    at http://127.0.0.1:8765/:65:27");

        NormalizedEvent.Builder reference = cdpLine(REFERENCE_ERROR);
        assertThat(reference.getLevel()).isEqualTo(Level.ERROR);
        assertThat(reference.getMessage()).isEqualTo("ReferenceError: undefinedFunctionCall is not defined");
        assertThat(reference.getEventTime()).isEqualTo(time("2026-11-21T16:58:54.446Z"));
        assertThat(reference.getMetadata()).containsEntry("line", "65").containsEntry("column", "21");
    }

    @Test
    void exceptionWithoutAnExceptionObjectUsesItsText() throws ParseException {
        NormalizedEvent.Builder thrown = BROWSER.one("{\"method\":\"Runtime.exceptionThrown\",\"params\":{\"timestamp\":1795280334397.9,"
                + "\"exceptionDetails\":{\"exceptionId\":3,\"text\":\"Uncaught (in promise) timeout\",\"lineNumber\":3,\"columnNumber\":1}}}");

        assertThat(thrown.getMessage()).isEqualTo("Uncaught (in promise) timeout");
        assertThat(thrown.getMetadata()).doesNotContainKey("stack");
    }

    @Test
    void logEntriesKeepTheirLevelSourceAndRequest() throws ParseException {
        List<NormalizedEvent.Builder> logs = BROWSER.eachLine("cdp-events.jsonl").stream()
                .filter(event -> event.getKind().equals("browser.log")).toList();

        assertThat(logs).extracting(NormalizedEvent.Builder::getLevel, NormalizedEvent.Builder::getMessage).containsExactly(
                tuple(Level.ERROR, "Failed to load resource: net::ERR_CONNECTION_REFUSED"),
                tuple(Level.ERROR, "Failed to load resource: the server responded with a status of 500 (Internal Server Error)"),
                tuple(Level.ERROR, "Failed to load resource: the server responded with a status of 404 (Not Found)"));
        NormalizedEvent.Builder refused = cdpLine(LOG_CONNECTION_REFUSED);
        assertThat(refused.getEventTime()).isEqualTo(time("2026-11-21T16:58:54.336Z"));
        assertThat(refused.getMetadata())
                .containsEntry("log.source", "network")
                .containsEntry("url", "http://127.0.0.1:8799/api/unreachable")
                .containsEntry("requestId", "8616.6");
    }

    @Test
    void verboseLogEntryIsDebug() throws ParseException {
        NormalizedEvent.Builder verbose = BROWSER.one("{\"method\":\"Log.entryAdded\",\"params\":{\"entry\":{\"source\":\"violation\","
                + "\"level\":\"verbose\",\"text\":\"'click' handler took 152ms\",\"timestamp\":1795280335879.9}}}");

        assertThat(verbose.getLevel()).isEqualTo(Level.DEBUG);
        assertThat(verbose.getMessage()).isEqualTo("'click' handler took 152ms");
    }

    @Test
    void webSocketFramesAreDebugEventsWithDirectionAndPayload() throws ParseException {
        List<NormalizedEvent.Builder> frames = BROWSER.eachLine("cdp-events.jsonl").stream()
                .filter(event -> event.getKind().equals("websocket.frame")).toList();

        assertThat(frames).extracting(
                        NormalizedEvent.Builder::getLevel,
                        NormalizedEvent.Builder::getMessage,
                        event -> event.getMetadata().get("direction"),
                        event -> event.getMetadata().get("payloadBytes"))
                .containsExactly(
                        tuple(Level.DEBUG, "ws sent: hello", "sent", "5"),
                        tuple(Level.DEBUG, "ws sent: {\"type\":\"ping\",\"seq\":1}", "sent", "23"),
                        tuple(Level.DEBUG, "ws received: echo: hello", "received", "11"),
                        tuple(Level.DEBUG, "ws received: echo: {\"type\":\"ping\",\"seq\":1}", "received", "29"));
        assertThat(frames).allSatisfy(frame -> {
            assertThat(frame.getMetadata()).containsEntry("requestId", "8616.7").containsEntry("opcode", "1");
            assertThat(frame.hasEventTime()).isFalse();
        });
    }

    @Test
    void webSocketFrameErrorIsAnError() throws ParseException {
        NormalizedEvent.Builder error = BROWSER.one("{\"method\":\"Network.webSocketFrameError\",\"params\":{\"requestId\":\"8616.7\","
                + "\"timestamp\":265.95,\"errorMessage\":\"Invalid frame header\"}}");

        assertThat(error.getKind()).isEqualTo("websocket.frame");
        assertThat(error.getLevel()).isEqualTo(Level.ERROR);
        assertThat(error.getMessage()).isEqualTo("ws error: Invalid frame header");
        assertThat(error.getMetadata()).containsEntry("direction", "error");
    }

    @Test
    void largeFramePayloadIsCutInTheMessageButCountedWhole() throws ParseException {
        String payload = "x".repeat(5000);
        NormalizedEvent.Builder frame = BROWSER.one("{\"method\":\"Network.webSocketFrameReceived\",\"params\":{\"requestId\":\"1\","
                + "\"timestamp\":1.0,\"response\":{\"opcode\":1,\"mask\":false,\"payloadData\":\"" + payload + "\"}}}");

        assertThat(frame.getMessage()).isEqualTo("ws received: " + "x".repeat(2048) + "…");
        assertThat(frame.getMetadata()).containsEntry("payloadBytes", "5000");
    }

    @Test
    void flattenedSessionIdBecomesTheSessionKey() throws ParseException {
        NormalizedEvent.Builder event = BROWSER.one("{\"method\":\"Runtime.consoleAPICalled\",\"params\":{\"type\":\"log\","
                + "\"args\":[{\"type\":\"string\",\"value\":\"hi\"}],\"timestamp\":1795280334289.3},"
                + "\"sessionId\":\"5B3A1F0C9E2D\"}");

        assertThat(event.getKeysBuilder().getSession()).isEqualTo("5B3A1F0C9E2D");
    }

    @Test
    void truncatedCdpMessageIsUnparseable() {
        String line = BROWSER.lines("cdp-events.jsonl").get(REQUEST_POST_ORDERS);

        assertThatThrownBy(() -> BROWSER.parse(line.substring(0, line.length() / 2)))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE);
                    assertThat(e.getMessage()).startsWith("invalid JSON at line 1");
                });
    }

    @Test
    void cdpEventWithoutParamsViolatesTheSchema() {
        assertThatThrownBy(() -> BROWSER.parse("{\"method\":\"Page.loadEventFired\"}"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e.getMessage()).isEqualTo("CDP event Page.loadEventFired lacks its params object");
                });
        assertThatThrownBy(() -> BROWSER.parse("{\"method\":\"Runtime.consoleAPICalled\",\"params\":[1,2]}"))
                .isInstanceOfSatisfying(ParseException.class, e ->
                        assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION));
    }

    @Test
    void cdpCommandResponseWithoutMethodViolatesTheSchema() {
        assertThatThrownBy(() -> BROWSER.parse("{\"id\":4,\"result\":{}}", "cdp"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
                    assertThat(e.getMessage()).contains("'method'");
                });
    }
}
