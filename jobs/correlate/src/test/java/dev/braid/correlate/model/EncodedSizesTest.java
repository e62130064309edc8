package dev.braid.correlate.model;

import static dev.braid.testing.Events.backendError;
import static dev.braid.testing.Events.commit;
import static dev.braid.testing.Events.event;
import static dev.braid.testing.Events.networkResponse;
import static dev.braid.testing.Events.testResult;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.schema.CloseReason;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.SuspectCommit;
import dev.braid.schema.TestStatus;
import dev.braid.schema.TraceKind;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

class EncodedSizesTest {

    @Test
    void theBoundIsNeverBelowTheEncodedSize() {
        for (String message : List.of("", "ok", "日本語のエラー", "emoji 😀😀 and é", "\uD800 lone surrogate", "x".repeat(499))) {
            CorrelatedTrace trace = trace(message);

            assertThat(EncodedSizes.atMost(trace.getSchema(), trace)).as(message)
                    .isGreaterThanOrEqualTo(AvroRecords.encode(trace).length);
        }
    }

    @Test
    void aSmallTraceIsBoundedWithinAFewTimesItsSize() {
        CorrelatedTrace trace = trace("GET /api/cart failed");

        assertThat(EncodedSizes.atMost(trace.getSchema(), trace)).isLessThan(4L * AvroRecords.encode(trace).length);
    }

    /** Every field filled somewhere: nulls and values in the unions, a map, each array, a commit. */
    private static CorrelatedTrace trace(String message) {
        List<NormalizedEvent> events = new ArrayList<>(List.of(
                event("e1", 0, Source.BROWSER, "log", Level.INFO, message).build(),
                networkResponse("e2", 10, "r1", "https://shop.test/api/cart?x=" + message, 500, 12.5),
                backendError("e3", 20, "acme/shop", "main"),
                testResult("e4", 30, "acme/shop", "main", "cart " + message, "c1", TestStatus.FAILED),
                commit("c1", 40, "acme/shop", "main", message, null)));
        CorrelatedTrace trace = Traces.build("bundle:" + message, TraceKind.ERROR_BUNDLE, 2, CloseReason.LATE_EVENT, events);
        trace.getSuspectCommits().add(SuspectCommit.newBuilder().setSha("c1").setRepo("acme/shop").setBranch("main")
                .setMessage(message).setTime(Instant.EPOCH).build());
        return trace;
    }
}
