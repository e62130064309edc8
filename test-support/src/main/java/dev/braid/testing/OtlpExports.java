package dev.braid.testing;

import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the OpenTelemetry Java SDK recorded, encoded as the Collector's Kafka exporter writes it. The
 * protobuf is what the SDK's OTLP/HTTP exporters send (captured by a {@link CapturingReceiver}), an
 * ExportTraceServiceRequest or ExportLogsServiceRequest: byte for byte the TracesData or LogsData of
 * {@code otlp_proto}. The OTLP/JSON ({@code otlp_json}) is the SDK's own JSON marshalling of the same
 * data, as its exporters have no public option to send JSON.
 */
public final class OtlpExports {

    private static final long EXPORT_TIMEOUT_SECONDS = 10;

    private OtlpExports() {}

    /** The spans as an OTLP/HTTP exporter sends them: protobuf. */
    public static byte[] protobufSpans(Collection<SpanData> spans) throws IOException {
        try (CapturingReceiver receiver = new CapturingReceiver();
                OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                        .setEndpoint(receiver.endpoint(CapturingReceiver.TRACES_PATH)).build()) {
            requireSuccess(exporter.export(spans));
            return receiver.body(CapturingReceiver.TRACES_PATH);
        }
    }

    public static byte[] protobufLogs(Collection<LogRecordData> logs) throws IOException {
        try (CapturingReceiver receiver = new CapturingReceiver();
                OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
                        .setEndpoint(receiver.endpoint(CapturingReceiver.LOGS_PATH)).build()) {
            requireSuccess(exporter.export(logs));
            return receiver.body(CapturingReceiver.LOGS_PATH);
        }
    }

    /** The spans in OTLP/JSON, as the SDK marshals it. */
    public static byte[] jsonSpans(Collection<SpanData> spans) throws IOException {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(spans).writeJsonTo(json);
        return json.toByteArray();
    }

    public static byte[] jsonLogs(Collection<LogRecordData> logs) throws IOException {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        LogsRequestMarshaler.create(logs).writeJsonTo(json);
        return json.toByteArray();
    }

    private static void requireSuccess(CompletableResultCode export) {
        CompletableResultCode result = export.join(EXPORT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!result.isSuccess()) {
            throw new IllegalStateException("the OTLP/HTTP export failed", result.getFailureThrowable());
        }
    }

    /** An exporter that keeps what the SDK hands it, to encode later. */
    public static SpanExporter recording(List<SpanData> recorded) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                recorded.addAll(spans);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }

    /** An exporter that keeps the log records the SDK hands it, to encode later. */
    public static LogRecordExporter recordingLogs(List<LogRecordData> recorded) {
        return new LogRecordExporter() {
            @Override
            public CompletableResultCode export(Collection<LogRecordData> logs) {
                recorded.addAll(logs);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }
}
