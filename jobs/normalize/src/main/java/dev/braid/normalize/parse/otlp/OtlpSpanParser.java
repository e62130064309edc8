package dev.braid.normalize.parse.otlp;

import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * OTLP spans: every span of a TracesData becomes one {@code span} event at its end, an error when
 * its status is. Its message reads like an access log line, which is written when the response is
 * sent, {@code cart: GET /api/cart 500 (ERROR: payment declined) 123.4 ms}; its start, attributes and
 * the exception it recorded go to metadata. Stamped at its end, a failed span follows the failed
 * child and the error log that caused it, so a trace's first error is the cause, not the request
 * that carried it out.
 *
 * <p>HTTP spans do not fill the {@code NetworkRequest} payload: that record is a browser's request,
 * which the detect job pairs and baselines as such. A server span's method, route and status are
 * in its name, message and {@code attr.http.*} metadata.
 */
final class OtlpSpanParser {

    static final String KIND = "span";

    /** The span event that semantic conventions record an exception as, and its attributes. */
    private static final String EXCEPTION_EVENT = "exception";
    static final String EXCEPTION_TYPE = "exception.type";
    static final String EXCEPTION_MESSAGE = "exception.message";
    static final String EXCEPTION_STACKTRACE = "exception.stacktrace";

    /** The response status attribute, by its stable name and its name before HTTP conventions 1.23. */
    private static final String HTTP_STATUS = "http.response.status_code";
    private static final String OLD_HTTP_STATUS = "http.status_code";

    private static final String SPAN_KIND_PREFIX = "SPAN_KIND_";
    private static final String STATUS_CODE_PREFIX = "STATUS_CODE_";

    private OtlpSpanParser() {}

    static OtlpParsers.Parsed parse(byte[] payload) throws ParseException {
        TracesData traces = OtlpPayloads.traces(payload);
        ExportDrafts drafts = new ExportDrafts("spans");
        TracesData.Builder rejected = TracesData.newBuilder();
        Repetition repetition = new Repetition();
        for (ResourceSpans resourceSpans : traces.getResourceSpansList()) {
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                Origin origin = new Origin(resourceSpans.getResource(), scopeSpans.getScope());
                ScopeSpans.Builder invalid = scopeSpans.toBuilder().clearSpans();
                drafts.draftEach(scopeSpans.getSpansList(), span -> draft(span, origin, repetition), invalid::addSpans);
                if (invalid.getSpansCount() > 0) {
                    rejected.addResourceSpans(resourceSpans.toBuilder().clearScopeSpans().addScopeSpans(invalid));
                }
            }
        }
        return drafts.parsed(() -> rejected.build().toByteArray(), "OTLP traces record holds no span");
    }

    private static NormalizedEvent.Builder draft(Span span, Origin origin, Repetition repetition) throws ParseException {
        String what = "span '" + span.getName() + "'";
        boolean failed = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
        NormalizedEvent.Builder draft = Drafts.draft(KIND, failed ? Level.ERROR : Level.INFO, null)
                .setTraceId(OtlpIds.required(span.getTraceId(), OtlpIds.TRACE_ID_BYTES, what + " trace id"))
                .setSpanId(OtlpIds.required(span.getSpanId(), OtlpIds.SPAN_ID_BYTES, what + " span id"));
        long start = UnixNanos.millis(span.getStartTimeUnixNano());
        long end = UnixNanos.millis(span.getEndTimeUnixNano());
        Drafts.time(draft, end != Drafts.NO_TIME ? end : start);
        Drafts.meta(draft, "span.start", start != Drafts.NO_TIME ? Instant.ofEpochMilli(start) : null);
        origin.describe(draft, span.getAttributesList(), Set.of(), repetition);
        Double durationMs = UnixNanos.durationMs(span.getStartTimeUnixNano(), span.getEndTimeUnixNano());
        describe(draft, span, what, durationMs);
        List<KeyValue> exception = exception(span);
        OtlpValues.putAll(draft.getMetadata(), "", exception, Set.of()); // under their own names: exception.type, ...
        String failure = failed ? failure(span.getStatus(), exception) : null;
        draft.setMessage(message(draft.getKeysBuilder().getService(), span, failed, failure, durationMs));
        return draft;
    }

    /** The span's own fields, as metadata {@code span.*}. */
    private static void describe(NormalizedEvent.Builder draft, Span span, String what, Double durationMs) throws ParseException {
        Drafts.meta(draft, "span.name", span.getName());
        Drafts.meta(draft, "span.kind", name(span.getKind(), span.getKindValue(), SPAN_KIND_PREFIX));
        Drafts.meta(draft, "span.parent_id", OtlpIds.optional(span.getParentSpanId(), OtlpIds.SPAN_ID_BYTES, what + " parent span id"));
        Drafts.meta(draft, "span.duration_ms", durationMs);
        Drafts.meta(draft, "span.status_code", name(span.getStatus().getCode(), span.getStatus().getCodeValue(), STATUS_CODE_PREFIX));
        Drafts.meta(draft, "span.status_message", span.getStatus().getMessage());
        Drafts.meta(draft, "span.events", span.getEventsList().stream().map(Span.Event::getName).collect(Collectors.joining(",")));
    }

    /** The attributes of the first exception the span recorded; none when it recorded none. */
    private static List<KeyValue> exception(Span span) {
        return span.getEventsList().stream()
                .filter(event -> event.getName().equals(EXCEPTION_EVENT))
                .findFirst()
                .map(event -> event.getAttributesList().stream()
                        .filter(attribute -> attribute.getKey().startsWith(EXCEPTION_EVENT + '.'))
                        .toList())
                .orElse(List.of());
    }

    /** What went wrong: the status message, else the exception's type and message; null when neither says. */
    private static String failure(Status status, List<KeyValue> exception) {
        if (!status.getMessage().isEmpty()) {
            return status.getMessage();
        }
        String type = OtlpValues.attribute(exception, EXCEPTION_TYPE);
        String message = OtlpValues.attribute(exception, EXCEPTION_MESSAGE);
        if (type == null || message == null) {
            return type != null ? type : message;
        }
        return type + ": " + message;
    }

    private static String message(String service, Span span, boolean failed, String failure, Double durationMs) {
        StringBuilder message = new StringBuilder();
        if (service != null) {
            message.append(service).append(": ");
        }
        message.append(span.getName().isEmpty() ? KIND : span.getName());
        String httpStatus = OtlpValues.attribute(span.getAttributesList(), HTTP_STATUS);
        if (httpStatus == null) {
            httpStatus = OtlpValues.attribute(span.getAttributesList(), OLD_HTTP_STATUS);
        }
        if (httpStatus != null) {
            message.append(' ').append(httpStatus);
        }
        if (failed) {
            message.append(" (ERROR").append(failure == null ? "" : ": " + failure).append(')');
        }
        if (durationMs != null) {
            message.append(String.format(Locale.ROOT, " %.1f ms", durationMs));
        }
        return message.toString();
    }

    /** An enum's name without its prefix, {@code SERVER} for {@code SPAN_KIND_SERVER}; the number of one this .proto does not know. */
    private static String name(Enum<?> value, int number, String prefix) {
        return value.name().startsWith(prefix) ? value.name().substring(prefix.length()) : Integer.toString(number);
    }
}
