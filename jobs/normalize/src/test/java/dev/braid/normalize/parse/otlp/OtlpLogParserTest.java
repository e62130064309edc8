package dev.braid.normalize.parse.otlp;

import static dev.braid.normalize.parse.otlp.OtlpTelemetry.CACHE_WARMED;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.CACHE_WARMED_AT;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.DEBUG_TEXT;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.EXCEPTION_MESSAGE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.OVERRIDING_SESSION;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.PAYMENT_FAILED;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.PAYMENT_FAILED_AT;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.REPO;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.REQUEST_SPAN;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.RETRY_MESSAGE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.RETRY_OBSERVED_AT;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.SCOPE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.SERVICE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.SESSION;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.STACK_TRACE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.THREAD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.schema.Level;
import dev.braid.schema.LogLine;
import dev.braid.schema.NormalizedEvent;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.sdk.trace.data.SpanData;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

/** Log records as the OpenTelemetry SDK exports them become one {@code log} event each. */
class OtlpLogParserTest {

    private static OtlpTelemetry.Checkout checkout;
    private static List<NormalizedEvent> events;

    @BeforeAll
    static void recordACheckout() throws Exception {
        checkout = OtlpTelemetry.checkout();
        events = OtlpEvents.logs(checkout.logs().protobuf());
    }

    @Test
    void everyLogRecordBecomesOneLogEventWithAnOtlpLogLine() {
        assertThat(events).hasSize(checkout.logs().data().size());
        assertThat(events).allSatisfy(event -> {
            assertThat(event.getKind()).isEqualTo(OtlpLogParser.KIND);
            assertThat(event.getTags()).contains("format:" + OtlpParsers.LOGS);
            assertThat(event.getPayload()).isInstanceOfSatisfying(LogLine.class, line -> {
                assertThat(line.getFormat()).isEqualTo(OtlpLogParser.FORMAT);
                assertThat(line.getLogger()).isEqualTo(SCOPE);
            });
        });
    }

    @Test
    void aLogWrittenInsideASpanCarriesItsTraceContextTimeThreadAndStackTrace() {
        SpanData request = checkout.span(REQUEST_SPAN);
        NormalizedEvent event = OtlpEvents.log(events, PAYMENT_FAILED);

        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getTraceId()).isEqualTo(request.getTraceId());
        assertThat(event.getSpanId()).isEqualTo(request.getSpanId());
        assertThat(event.getEventTime()).isEqualTo(PAYMENT_FAILED_AT);
        LogLine line = (LogLine) event.getPayload();
        assertThat(line.getThread()).isEqualTo(THREAD);
        assertThat(line.getStackTrace()).isEqualTo(STACK_TRACE);
    }

    @Test
    void aLogKeepsItsAttributesButThoseItsLogLineCarriesInMetadata() {
        NormalizedEvent event = OtlpEvents.log(events, PAYMENT_FAILED);

        assertThat(event.getMetadata())
                .containsEntry("attr.exception.type", IllegalStateException.class.getName())
                .containsEntry("attr.exception.message", EXCEPTION_MESSAGE)
                .containsEntry("log.severity_text", "ERROR")
                .containsEntry("log.severity_number", "17")
                .containsEntry("resource.service.name", SERVICE)
                .doesNotContainKeys("attr." + OtlpLogParser.THREAD, "attr." + OtlpLogParser.STACK_TRACE);
    }

    @Test
    void aStructuredBodyBecomesACompactJsonMessage() {
        assertThat(events).extracting(NormalizedEvent::getMessage).contains(RETRY_MESSAGE);
    }

    @Test
    void aLogWithoutItsOwnTimeHappenedWhenItWasObservedAndOutsideASpanHasNoTraceIds() {
        NormalizedEvent retry = OtlpEvents.log(events, RETRY_MESSAGE);

        assertThat(retry.getLevel()).as("WARN2").isEqualTo(Level.WARN);
        assertThat(retry.getEventTime()).isEqualTo(RETRY_OBSERVED_AT);
        assertThat(retry.getTraceId()).isNull();
        assertThat(retry.getSpanId()).isNull();
    }

    @Test
    void aLogsOwnAttributeOverridesTheResourcesForItsCorrelationKey() {
        NormalizedEvent retry = OtlpEvents.log(events, RETRY_MESSAGE);
        NormalizedEvent failed = OtlpEvents.log(events, PAYMENT_FAILED);

        assertThat(retry.getKeys().getSession()).isEqualTo(OVERRIDING_SESSION);
        assertThat(retry.getMetadata()).containsEntry("resource.session.id", SESSION);
        assertThat(failed.getKeys().getSession()).isEqualTo(SESSION);
        assertThat(retry.getKeys().getRepo()).isEqualTo(REPO);
    }

    @Test
    void withoutASeverityNumberTheSeverityTextDecidesTheLevel() {
        NormalizedEvent cacheWarmed = OtlpEvents.log(events, CACHE_WARMED);

        assertThat(cacheWarmed.getLevel()).isEqualTo(Level.DEBUG);
        assertThat(cacheWarmed.getEventTime()).isEqualTo(CACHE_WARMED_AT);
        assertThat(cacheWarmed.getMetadata()).containsEntry("log.severity_text", DEBUG_TEXT).doesNotContainKey("log.severity_number");
    }

    @Test
    void severityNumbersMapToLevelsInRangesOfFourAndNoSeverityIsInfo() throws Exception {
        List<NormalizedEvent> bySeverity = OtlpEvents.logs(OtlpTelemetry.everySeverity().protobuf());

        for (Severity severity : Severity.values()) {
            assertThat(OtlpEvents.log(bySeverity, severity.name()).getLevel()).as(severity.name()).isEqualTo(expectedLevel(severity));
        }
    }

    @Test
    void protobufAndJsonOfTheSameLogsGiveTheSameEvents() throws Exception {
        assertThat(OtlpEvents.logs(checkout.logs().json())).isEqualTo(events);
    }

    /** The specification's table: TRACE to TRACE4 are TRACE, DEBUG to DEBUG4 DEBUG, and so on. */
    private static Level expectedLevel(Severity severity) {
        return severity == Severity.UNDEFINED_SEVERITY_NUMBER ? Level.INFO : Level.valueOf(severity.name().replaceAll("\\d$", ""));
    }
}
