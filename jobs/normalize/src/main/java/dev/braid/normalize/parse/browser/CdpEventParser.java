package dev.braid.normalize.parse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.Levels;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.normalize.parse.TraceIds;
import dev.braid.schema.Level;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chrome DevTools Protocol events, one {@code {"method", "params", "sessionId"?}} message per
 * record, as a CDP client receives them. Console, exceptions, log entries, network requests,
 * responses and failures and WebSocket frames become typed events; other methods are kept as
 * {@code browser.cdp} at DEBUG so nothing a collector sends is lost.
 */
public final class CdpEventParser implements FormatParser {

    private static final long serialVersionUID = 1L;
    private static final int MAX_FRAME_PAYLOAD = 2048;
    /** Metadata: the monotonic timestamp, in seconds, of the network events that have no wall time. */
    public static final String MONOTONIC_TIME = "cdp.timestamp";

    @Override
    public String format() {
        return "cdp";
    }

    @Override
    public boolean accepts(ParseInput input) {
        return Json.looksLikeObject(input.text()) && input.text().contains("\"method\"");
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode message = Json.object(input.text());
        String method = Json.required(message, "method", "CDP");
        JsonNode params = message.path("params");
        if (!params.isObject()) {
            throw ParseException.schemaViolation("CDP event " + method + " lacks its params object");
        }
        NormalizedEvent.Builder draft = switch (method) {
            case "Runtime.consoleAPICalled" -> console(params);
            case "Runtime.exceptionThrown" -> exception(params);
            case "Log.entryAdded" -> logEntry(params);
            case "Network.requestWillBeSent" -> request(params);
            case "Network.responseReceived" -> response(params);
            case "Network.loadingFailed" -> loadingFailed(params);
            case "Network.webSocketFrameSent" -> frame(params, "sent", Level.DEBUG);
            case "Network.webSocketFrameReceived" -> frame(params, "received", Level.DEBUG);
            case "Network.webSocketFrameError" -> frame(params, "error", Level.ERROR);
            default -> other(method, params);
        };
        draft.getKeysBuilder().setSession(Json.text(message, "sessionId"));
        Drafts.meta(draft, "cdp.method", method);
        return List.of(draft);
    }

    private static NormalizedEvent.Builder console(JsonNode params) {
        String type = params.path("type").asText("log");
        String text = joinArgs(params.path("args"));
        NormalizedEvent.Builder draft = Drafts.draft("browser.console", consoleLevel(type), text);
        Drafts.time(draft, epochMillis(params.path("timestamp")));
        Drafts.meta(draft, "console.type", type);
        Drafts.meta(draft, "url", firstFrameUrl(params.path("stackTrace")));
        TraceIds.apply(TraceIds.fromText(text), draft);
        return draft;
    }

    private static NormalizedEvent.Builder exception(JsonNode params) {
        JsonNode details = params.path("exceptionDetails");
        String description = Json.text(details.path("exception"), "description");
        String text = description != null ? description : details.path("text").asText("exception");
        NormalizedEvent.Builder draft = Drafts.draft("browser.exception", Level.ERROR, firstLine(text));
        Drafts.time(draft, epochMillis(params.path("timestamp")));
        Drafts.meta(draft, "url", Json.text(details, "url"));
        Drafts.meta(draft, "line", Json.text(details, "lineNumber"));
        Drafts.meta(draft, "column", Json.text(details, "columnNumber"));
        Drafts.meta(draft, "stack", description);
        TraceIds.apply(TraceIds.fromText(text), draft);
        return draft;
    }

    private static NormalizedEvent.Builder logEntry(JsonNode params) {
        JsonNode entry = params.path("entry");
        String text = entry.path("text").asText("");
        Level level = Levels.parseOrInfer("verbose".equals(entry.path("level").asText()) ? "debug"
                : entry.path("level").asText(null), text);
        NormalizedEvent.Builder draft = Drafts.draft("browser.log", level, text);
        Drafts.time(draft, epochMillis(entry.path("timestamp")));
        Drafts.meta(draft, "log.source", Json.text(entry, "source"));
        Drafts.meta(draft, "url", Json.text(entry, "url"));
        Drafts.meta(draft, "requestId", Json.text(entry, "networkRequestId"));
        return draft;
    }

    private static NormalizedEvent.Builder request(JsonNode params) {
        JsonNode request = params.path("request");
        String method = request.path("method").asText("GET");
        String url = Json.text(request, "url");
        Map<String, String> headers = headers(request.path("headers"));
        NormalizedEvent.Builder draft = Drafts.draft("network.request", Level.INFO, method + " " + url);
        JsonNode wallTime = params.path("wallTime");
        if (wallTime.isNumber()) {
            Drafts.time(draft, Timestamps.fromEpochNumber(wallTime.asDouble()));
        }
        draft.setPayload(NetworkRequest.newBuilder()
                .setRequestId(Json.text(params, "requestId"))
                .setMethod(method)
                .setUrl(url)
                .setResourceType(Json.text(params, "type"))
                .setRequestHeaders(headers)
                .build());
        Drafts.meta(draft, "page", Json.text(params, "documentURL"));
        Drafts.meta(draft, MONOTONIC_TIME, Json.text(params, "timestamp"));
        TraceIds.apply(TraceIds.fromJson(request.path("headers")), draft);
        return draft;
    }

    private static NormalizedEvent.Builder response(JsonNode params) {
        JsonNode response = params.path("response");
        int status = response.path("status").asInt();
        String url = Json.text(response, "url");
        String statusText = response.path("statusText").asText("");
        NormalizedEvent.Builder draft = Drafts.draft(
                "network.response", Levels.ofHttpStatus(status), status + " " + statusText + " " + url);
        // timing.receiveHeadersEnd is milliseconds after the request started.
        Double duration = Json.number(response.path("timing"), "receiveHeadersEnd");
        draft.setPayload(NetworkRequest.newBuilder()
                .setRequestId(Json.text(params, "requestId"))
                .setUrl(url)
                .setStatus(status)
                .setDurationMs(duration)
                .setResourceType(Json.text(params, "type"))
                .setRequestHeaders(headers(response.path("requestHeaders")))
                .build());
        Drafts.time(draft, epochMillis(response.path("responseTime")));
        Drafts.meta(draft, "mimeType", Json.text(response, "mimeType"));
        TraceIds.apply(TraceIds.fromJson(response.path("requestHeaders")), draft);
        // Only a W3C traceresponse names the trace; an X-Request-ID here would split the response
        // from its request, which carried the traceparent. Consumers join the two on requestId.
        Map<String, String> responseHeaders = headers(response.path("headers"));
        TraceIds.apply(TraceIds.fromTraceparent(headerIgnoreCase(responseHeaders, "traceresponse")), draft);
        Drafts.meta(draft, "x-request-id", headerIgnoreCase(responseHeaders, "x-request-id"));
        return draft;
    }

    /**
     * A failure carries only a monotonic timestamp: the pipeline takes its time, URL and trace from
     * the request's start (see {@code CompleteFailedRequests}).
     */
    private static NormalizedEvent.Builder loadingFailed(JsonNode params) {
        String error = params.path("errorText").asText("");
        boolean canceled = params.path("canceled").asBoolean(false);
        NormalizedEvent.Builder draft = Drafts.draft(
                "network.failure", canceled ? Level.WARN : Level.ERROR, "request failed: " + error);
        draft.setPayload(NetworkRequest.newBuilder()
                .setRequestId(Json.text(params, "requestId"))
                .setResourceType(Json.text(params, "type"))
                .setErrorText(error)
                .setRequestHeaders(new HashMap<>())
                .build());
        Drafts.meta(draft, "canceled", Boolean.toString(canceled));
        Drafts.meta(draft, "blockedReason", Json.text(params, "blockedReason"));
        Drafts.meta(draft, MONOTONIC_TIME, Json.text(params, "timestamp"));
        return draft;
    }

    private static NormalizedEvent.Builder frame(JsonNode params, String direction, Level level) {
        JsonNode response = params.path("response");
        String payload = direction.equals("error")
                ? params.path("errorMessage").asText("")
                : response.path("payloadData").asText("");
        String shown = payload.length() > MAX_FRAME_PAYLOAD ? payload.substring(0, MAX_FRAME_PAYLOAD) + "…" : payload;
        NormalizedEvent.Builder draft = Drafts.draft("websocket.frame", level, "ws " + direction + ": " + shown);
        Drafts.meta(draft, "requestId", Json.text(params, "requestId"));
        Drafts.meta(draft, "direction", direction);
        Drafts.meta(draft, "opcode", Json.text(response, "opcode"));
        Drafts.meta(draft, "payloadBytes", Integer.toString(payload.length()));
        return draft;
    }

    private static NormalizedEvent.Builder other(String method, JsonNode params) {
        NormalizedEvent.Builder draft = Drafts.draft("browser.cdp", Level.DEBUG, method);
        Drafts.meta(draft, "requestId", Json.text(params, "requestId"));
        Drafts.meta(draft, "url", Json.text(params, "url"));
        TraceIds.apply(TraceIds.fromJson(params.path("headers")), draft);
        return draft;
    }

    private static Level consoleLevel(String type) {
        return switch (type) {
            case "error", "assert" -> Level.ERROR;
            case "warning" -> Level.WARN;
            case "debug", "trace" -> Level.DEBUG;
            default -> Level.INFO;
        };
    }

    /** Console arguments as the DevTools console prints them: values as text, objects by description. */
    private static String joinArgs(JsonNode args) {
        StringBuilder text = new StringBuilder();
        for (JsonNode arg : args) {
            if (text.length() > 0) {
                text.append(' ');
            }
            JsonNode value = arg.get("value");
            if (value != null && !value.isNull()) {
                text.append(value.isTextual() ? value.asText() : value.toString());
            } else {
                text.append(arg.path("description").asText(arg.path("type").asText("")));
            }
        }
        return text.toString();
    }

    private static Map<String, String> headers(JsonNode headers) {
        Map<String, String> map = new HashMap<>();
        headers.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static String headerIgnoreCase(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** CDP Runtime and Log timestamps are epoch milliseconds; others are monotonic and unusable. */
    private static long epochMillis(JsonNode timestamp) {
        return timestamp.isNumber() ? Math.round(timestamp.asDouble()) : Drafts.NO_TIME;
    }

    private static String firstFrameUrl(JsonNode stackTrace) {
        JsonNode frames = stackTrace.path("callFrames");
        return frames.isArray() && frames.size() > 0 ? Json.text(frames.get(0), "url") : null;
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
