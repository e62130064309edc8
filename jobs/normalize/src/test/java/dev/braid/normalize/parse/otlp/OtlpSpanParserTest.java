package dev.braid.normalize.parse.otlp;

import static dev.braid.normalize.parse.otlp.OtlpTelemetry.BRANCH;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.CHARGE_SPAN;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.COMMIT;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.ENVIRONMENT;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.EXCEPTION_MESSAGE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.QUERY_END;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.QUERY_SPAN;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.QUERY_START;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.REPO;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.REQUEST_SPAN;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.REQUEST_NANOS;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.REQUEST_START;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.ROUTE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.SCOPE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.SCOPE_VERSION;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.SERVICE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.SESSION;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.STACK_TRACE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.STATUS_MESSAGE;
import static dev.braid.normalize.parse.otlp.OtlpTelemetry.URL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import io.opentelemetry.sdk.trace.data.SpanData;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.List;

/** Spans as the OpenTelemetry SDK exports them become one {@code span} event each. */
class OtlpSpanParserTest {

    private static final String HEX_TRACE_ID = "[0-9a-f]{32}";
    private static final String HEX_SPAN_ID = "[0-9a-f]{16}";

    private static OtlpTelemetry.Checkout checkout;
    private static List<NormalizedEvent> events;

    @BeforeAll
    static void recordACheckout() throws Exception {
        checkout = OtlpTelemetry.checkout();
        events = OtlpEvents.spans(checkout.spans().protobuf());
    }

    @Test
    void everySpanBecomesOneSpanEventTaggedWithItsFormat() {
        assertThat(events).hasSize(checkout.spans().data().size());
        assertThat(events).allSatisfy(event -> {
            assertThat(event.getKind()).isEqualTo(OtlpSpanParser.KIND);
            assertThat(event.getTags()).contains("format:" + OtlpParsers.SPANS);
            assertThat(event.getPayload()).isNull();
        });
    }

    @Test
    void aSpanKeepsItsIdsAsLowerCaseHexAndIsStampedWhenItEnded() {
        SpanData request = checkout.span(REQUEST_SPAN);
        NormalizedEvent event = OtlpEvents.span(events, REQUEST_SPAN);

        assertThat(event.getTraceId()).matches(HEX_TRACE_ID).isEqualTo(request.getTraceId());
        assertThat(event.getSpanId()).matches(HEX_SPAN_ID).isEqualTo(request.getSpanId());
        assertThat(event.getEventTime()).isEqualTo(REQUEST_START.plusNanos(REQUEST_NANOS).truncatedTo(ChronoUnit.MILLIS));
        assertThat(event.getMetadata()).containsEntry("span.start", REQUEST_START.toString());
    }

    @Test
    void aFailedChildEndsBeforeTheFailedRequestThatCarriedIt() {
        assertThat(OtlpEvents.span(events, CHARGE_SPAN).getEventTime()).isBefore(OtlpEvents.span(events, REQUEST_SPAN).getEventTime());
    }

    @Test
    void aSpanWithErrorStatusIsAnErrorReadingLikeAnAccessLogLine() {
        NormalizedEvent event = OtlpEvents.span(events, REQUEST_SPAN);

        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getMessage()).isEqualTo(SERVICE + ": " + REQUEST_SPAN + " 500 (ERROR: " + STATUS_MESSAGE + ") 123.4 ms");
    }

    @Test
    void aFailedSpanWithoutStatusMessageIsExplainedByItsException() {
        NormalizedEvent charge = OtlpEvents.span(events, CHARGE_SPAN);

        assertThat(charge.getLevel()).isEqualTo(Level.ERROR);
        assertThat(charge.getMessage()).isEqualTo(
                SERVICE + ": " + CHARGE_SPAN + " (ERROR: " + IllegalStateException.class.getName() + ": " + EXCEPTION_MESSAGE + ") 50.0 ms");
        assertThat(charge.getMetadata()).containsEntry("span.kind", "INTERNAL").doesNotContainKey("span.status_message");
    }

    @Test
    void aSpanWithoutErrorStatusIsInfoAndNamesItsParent() {
        NormalizedEvent query = OtlpEvents.span(events, QUERY_SPAN);

        assertThat(query.getLevel()).isEqualTo(Level.INFO);
        assertThat(query.getMessage()).isEqualTo(SERVICE + ": " + QUERY_SPAN + " 20.0 ms");
        assertThat(query.getEventTime()).isEqualTo(QUERY_END);
        assertThat(query.getMetadata())
                .containsEntry("span.parent_id", checkout.span(REQUEST_SPAN).getSpanId())
                .containsEntry("span.kind", "CLIENT")
                .containsEntry("span.status_code", "UNSET")
                .containsEntry("span.duration_ms", Double.toString(QUERY_END.toEpochMilli() - QUERY_START.toEpochMilli()));
    }

    @Test
    void aSpanDescribesItselfItsScopeAndItsStatusInMetadata() {
        NormalizedEvent event = OtlpEvents.span(events, REQUEST_SPAN);

        assertThat(event.getMetadata())
                .containsEntry("span.name", REQUEST_SPAN)
                .containsEntry("span.kind", "SERVER")
                .containsEntry("span.duration_ms", "123.4")
                .containsEntry("span.status_code", "ERROR")
                .containsEntry("span.status_message", STATUS_MESSAGE)
                .containsEntry("span.events", "exception")
                .containsEntry("scope.name", SCOPE)
                .containsEntry("scope.version", SCOPE_VERSION)
                .doesNotContainKey("span.parent_id");
    }

    @Test
    void spanAttributesAndResourceAttributesBecomePrefixedMetadataAsText() {
        NormalizedEvent event = OtlpEvents.span(events, REQUEST_SPAN);

        assertThat(event.getMetadata())
                .containsEntry("attr.http.request.method", "GET")
                .containsEntry("attr.http.route", ROUTE)
                .containsEntry("attr.url.full", URL)
                .containsEntry("attr.http.response.status_code", "500")
                .containsEntry("resource.service.name", SERVICE)
                .containsEntry("resource.process.pid", Long.toString(OtlpTelemetry.PROCESS_ID))
                .containsEntry("resource.process.command_args", "[\"java\",\"-jar\",\"cart.jar\"]");
    }

    @Test
    void theExceptionASpanRecordedIsKeptInMetadata() {
        NormalizedEvent event = OtlpEvents.span(events, REQUEST_SPAN);

        assertThat(event.getMetadata())
                .containsEntry(OtlpSpanParser.EXCEPTION_TYPE, IllegalStateException.class.getName())
                .containsEntry(OtlpSpanParser.EXCEPTION_MESSAGE, EXCEPTION_MESSAGE)
                .containsEntry(OtlpSpanParser.EXCEPTION_STACKTRACE, STACK_TRACE);
    }

    @Test
    void resourceAttributesFillTheCorrelationKeysAndTheDeploymentTag() {
        assertThat(events).allSatisfy(event -> {
            CorrelationKeys keys = event.getKeys();
            assertThat(keys.getService()).isEqualTo(SERVICE);
            assertThat(keys.getSession()).isEqualTo(SESSION);
            assertThat(keys.getRepo()).isEqualTo(REPO);
            assertThat(keys.getBranch()).isEqualTo(BRANCH);
            assertThat(keys.getCommit()).isEqualTo(COMMIT);
            assertThat(event.getTags()).contains("deployment:" + ENVIRONMENT);
            assertThat(event.getMetadata()).containsEntry("deployment.environment", ENVIRONMENT);
        });
    }

    @Test
    void protobufAndJsonOfTheSameSpansGiveTheSameEvents() throws Exception {
        assertThat(OtlpEvents.spans(checkout.spans().json())).isEqualTo(events);
    }
}
