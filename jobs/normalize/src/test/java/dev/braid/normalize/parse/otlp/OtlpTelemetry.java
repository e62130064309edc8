package dev.braid.normalize.parse.otlp;

import dev.braid.testing.OtlpExports;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real OTLP payloads, recorded by the OpenTelemetry Java SDK: a cart service's checkout request that
 * fails, as spans and logs. The protobuf is what the SDK's OTLP/HTTP exporters send, an
 * ExportTraceServiceRequest or ExportLogsServiceRequest, byte for byte the TracesData or LogsData
 * the Collector's Kafka exporter writes. The OTLP/JSON is the SDK's own JSON marshalling of the same
 * data: its exporters have no public option to send JSON.
 */
public final class OtlpTelemetry {

    public static final String SERVICE = "cart-api";
    public static final String SESSION = "session-7f3a";
    public static final String REPOSITORY_URL = "https://github.com/acme/shop.git";
    public static final String REPO = "acme/shop";
    public static final String BRANCH = "feature/checkout";
    public static final String COMMIT = "3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a";
    public static final String ENVIRONMENT = "staging";
    public static final long PROCESS_ID = 4242;
    public static final List<String> COMMAND_ARGS = List.of("java", "-jar", "cart.jar");

    public static final String SCOPE = "dev.braid.test.checkout";
    public static final String SCOPE_VERSION = "1.4.0";

    public static final String REQUEST_SPAN = "GET /api/cart";
    public static final String ROUTE = "/api/cart";
    /** The request's URL, with a token the normalizer must redact. */
    public static final String URL = "https://shop.example/api/cart?access_token=tok-9c1e77d2f00b";
    public static final String TOKEN = "tok-9c1e77d2f00b";
    public static final long HTTP_STATUS = 500;
    public static final String STATUS_MESSAGE = "payment declined";
    public static final String EXCEPTION_MESSAGE = "card expired";
    public static final Instant REQUEST_START = Instant.parse("2026-11-21T22:59:58.250Z");
    public static final long REQUEST_NANOS = 123_400_000L;

    public static final String QUERY_SPAN = "SELECT carts";
    public static final Instant QUERY_START = REQUEST_START.plusMillis(10);
    public static final Instant QUERY_END = REQUEST_START.plusMillis(30);

    /** A span that fails without a status message: its exception says what went wrong. */
    public static final String CHARGE_SPAN = "charge card";
    public static final Instant CHARGE_START = REQUEST_START.plusMillis(40);
    public static final Instant CHARGE_END = REQUEST_START.plusMillis(90);

    public static final String PAYMENT_FAILED = "payment failed for cart 7";
    public static final Instant PAYMENT_FAILED_AT = REQUEST_START.plusMillis(100);
    public static final String THREAD = "http-nio-8080-exec-3";

    public static final Value<?> RETRY_BODY = Value.of(KeyValue.of("event", Value.of("retry")), KeyValue.of("attempt", Value.of(2L)));
    public static final String RETRY_MESSAGE = "{\"event\":\"retry\",\"attempt\":2}";
    public static final Instant RETRY_OBSERVED_AT = REQUEST_START.plusMillis(200);
    public static final String OVERRIDING_SESSION = "session-from-the-record";

    public static final String CACHE_WARMED = "cache warmed";
    public static final Instant CACHE_WARMED_AT = REQUEST_START.plusMillis(300);
    public static final String DEBUG_TEXT = "debug";

    /** Where the exception was thrown: one frame, so that the stack trace is the same in every run. */
    public static final StackTraceElement THROWN_AT = new StackTraceElement("dev.acme.cart.Checkout", "pay", "Checkout.java", 42);
    public static final String STACK_TRACE =
            IllegalStateException.class.getName() + ": " + EXCEPTION_MESSAGE + "\n\tat " + THROWN_AT + "\n";

    private OtlpTelemetry() {}

    /** What the SDK recorded, and its two encodings. */
    public record Payload<T>(List<T> data, byte[] protobuf, byte[] json) {}

    /** One checkout: its spans and the logs written during it. */
    public record Checkout(Payload<SpanData> spans, Payload<LogRecordData> logs) {

        public SpanData span(String name) {
            return spans.data().stream().filter(span -> span.getName().equals(name)).findFirst().orElseThrow();
        }
    }

    /**
     * The request span, a server span that ends in ERROR with an exception and HTTP attributes; the
     * query span it made, and the charge that failed with an exception only; an error log inside
     * the request, a warning with a structured body and no time of its own, and a debug log with
     * only a severity text.
     */
    public static Checkout checkout() throws IOException {
        List<SpanData> spans = new CopyOnWriteArrayList<>();
        List<LogRecordData> logs = new CopyOnWriteArrayList<>();
        try (SdkTracerProvider tracing = SdkTracerProvider.builder()
                        .setResource(resource()).addSpanProcessor(SimpleSpanProcessor.create(OtlpExports.recording(spans))).build();
                SdkLoggerProvider logging = SdkLoggerProvider.builder()
                        .setResource(resource()).addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpExports.recordingLogs(logs))).build()) {
            Tracer tracer = tracing.get(SCOPE, SCOPE_VERSION);
            Logger logger = logging.loggerBuilder(SCOPE).setInstrumentationVersion(SCOPE_VERSION).build();
            Span request = tracer.spanBuilder(REQUEST_SPAN)
                    .setSpanKind(SpanKind.SERVER)
                    .setStartTimestamp(REQUEST_START)
                    .setAttribute("http.request.method", "GET")
                    .setAttribute("http.route", ROUTE)
                    .setAttribute("url.full", URL)
                    .setAttribute(AttributeKey.longKey("http.response.status_code"), HTTP_STATUS)
                    .startSpan();
            Context inRequest = Context.root().with(request);
            tracer.spanBuilder(QUERY_SPAN)
                    .setParent(inRequest)
                    .setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(QUERY_START)
                    .setAttribute("db.system.name", "postgresql")
                    .startSpan()
                    .end(QUERY_END);
            Span charge = tracer.spanBuilder(CHARGE_SPAN).setParent(inRequest).setStartTimestamp(CHARGE_START).startSpan();
            charge.recordException(cardExpired());
            charge.setStatus(StatusCode.ERROR);
            charge.end(CHARGE_END);
            logger.logRecordBuilder()
                    .setContext(inRequest)
                    .setTimestamp(PAYMENT_FAILED_AT)
                    .setObservedTimestamp(PAYMENT_FAILED_AT.plusMillis(1))
                    .setSeverity(Severity.ERROR)
                    .setSeverityText("ERROR")
                    .setBody(PAYMENT_FAILED)
                    .setAttribute("thread.name", THREAD)
                    .setException(cardExpired())
                    .emit();
            request.recordException(cardExpired());
            request.setStatus(StatusCode.ERROR, STATUS_MESSAGE);
            request.end(REQUEST_START.plusNanos(REQUEST_NANOS));
            logger.logRecordBuilder()
                    .setObservedTimestamp(RETRY_OBSERVED_AT)
                    .setSeverity(Severity.WARN2)
                    .setBody(RETRY_BODY)
                    .setAttribute("session.id", OVERRIDING_SESSION)
                    .emit();
            logger.logRecordBuilder()
                    .setTimestamp(CACHE_WARMED_AT)
                    .setSeverityText(DEBUG_TEXT)
                    .setBody(CACHE_WARMED)
                    .emit();
        }
        return new Checkout(
                new Payload<>(List.copyOf(spans), OtlpExports.protobufSpans(spans), OtlpExports.jsonSpans(spans)),
                new Payload<>(List.copyOf(logs), OtlpExports.protobufLogs(logs), OtlpExports.jsonLogs(logs)));
    }

    /** One log record at each of the SDK's severities, its body the severity's name. */
    public static Payload<LogRecordData> everySeverity() throws IOException {
        List<LogRecordData> logs = new CopyOnWriteArrayList<>();
        try (SdkLoggerProvider logging = SdkLoggerProvider.builder()
                .setResource(resource()).addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpExports.recordingLogs(logs))).build()) {
            Logger logger = logging.get(SCOPE);
            for (Severity severity : Severity.values()) {
                logger.logRecordBuilder().setTimestamp(REQUEST_START).setSeverity(severity).setBody(severity.name()).emit();
            }
        }
        return new Payload<>(List.copyOf(logs), OtlpExports.protobufLogs(logs), OtlpExports.jsonLogs(logs));
    }

    /** {@code count} short spans under a resource whose command line is {@code commandLineChars} long. */
    public static Payload<SpanData> manySpans(int count, int commandLineChars) throws IOException {
        List<SpanData> spans = new CopyOnWriteArrayList<>();
        Resource resource = resource().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("process.command_line"), "java " + "-Dx=y ".repeat(commandLineChars / 6))));
        try (SdkTracerProvider tracing = SdkTracerProvider.builder()
                .setResource(resource).addSpanProcessor(SimpleSpanProcessor.create(OtlpExports.recording(spans))).build()) {
            Tracer tracer = tracing.get(SCOPE);
            for (int i = 0; i < count; i++) {
                tracer.spanBuilder(QUERY_SPAN).setStartTimestamp(QUERY_START).startSpan().end(QUERY_END);
            }
        }
        return new Payload<>(List.copyOf(spans), OtlpExports.protobufSpans(spans), OtlpExports.jsonSpans(spans));
    }

    private static IllegalStateException cardExpired() {
        IllegalStateException exception = new IllegalStateException(EXCEPTION_MESSAGE);
        exception.setStackTrace(new StackTraceElement[] {THROWN_AT});
        return exception;
    }

    static Resource resource() {
        return Resource.create(Attributes.builder()
                .put("service.name", SERVICE)
                .put("session.id", SESSION)
                .put("vcs.repository.url.full", REPOSITORY_URL)
                .put("vcs.ref.head.name", BRANCH)
                .put("vcs.ref.head.revision", COMMIT)
                .put("deployment.environment.name", ENVIRONMENT)
                .put(AttributeKey.longKey("process.pid"), PROCESS_ID)
                .put(AttributeKey.stringArrayKey("process.command_args"), COMMAND_ARGS)
                .build());
    }
}
