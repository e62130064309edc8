package dev.braid.normalize.functions;

import dev.braid.connectors.RawRecord;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.Fixtures;
import dev.braid.testing.MeteredHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Chromium's own CDP events of a fetch to a closed port, as the recorder of the browser fixtures got them. */
class CompleteFailedRequestsTest {

    /** When the fixture was shipped: a little after Chromium recorded it. */
    private static final long SHIPPED = 1_795_280_340_000L;
    /** Chromium's {@code Log.entryAdded} for the same failure, on the wall clock: 1.795280334336049e12 ms. */
    private static final Instant BROWSER_LOGGED_FAILURE = Instant.ofEpochMilli(1_795_280_334_336L);

    private final RawRecordNormalizer normalizer = new RawRecordNormalizer(1 << 20, Duration.ofMinutes(10));
    private MeteredHarness<String, NormalizedEvent, NormalizedEvent> metered;

    @BeforeEach
    void openHarness() throws Exception {
        metered = new MeteredHarness<>(new CompleteFailedRequests(Duration.ofHours(1)),
                CompleteFailedRequests::requestId, Types.STRING);
    }

    @AfterEach
    void closeHarness() throws Exception {
        metered.close();
    }

    @Test
    void aFailedFetchTakesTheTimeUrlAndMethodOfItsStart() throws Exception {
        List<String> cdp = Fixtures.lines("fixtures/browser/cdp-events.jsonl");
        for (int offset = 0; offset < cdp.size(); offset++) {
            for (NormalizedEvent event : normalize(offset, cdp.get(offset))) {
                if (CompleteFailedRequests.isRequestLifecycle(event)) {
                    metered.harness().processElement(event, SHIPPED);
                }
            }
        }

        NormalizedEvent failure = metered.harness().extractOutputValues().stream()
                .filter(event -> event.getKind().equals("network.failure")).findFirst().orElseThrow();
        NetworkRequest request = (NetworkRequest) failure.getPayload();
        assertThat(request.getUrl()).isEqualTo("http://127.0.0.1:8799/api/unreachable");
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getErrorText()).isEqualTo("net::ERR_CONNECTION_REFUSED");
        // requestWillBeSent at monotonic 265.885371, loadingFailed at 265.929615
        assertThat(request.getDurationMs()).isCloseTo(44.244, within(0.001));
        assertThat(failure.getEventTime()).isEqualTo(BROWSER_LOGGED_FAILURE);
        assertThat(failure.getMessage())
                .isEqualTo("GET http://127.0.0.1:8799/api/unreachable failed: net::ERR_CONNECTION_REFUSED");
        assertThat(failure.getMetadata())
                .containsEntry(CompleteFailedRequests.TIME_FROM, "Network.requestWillBeSent")
                .doesNotContainKey(EventClock.INFERRED_FROM);
        assertThat(metered.count(CompleteFailedRequests.FAILURES_WITHOUT_START)).isZero();
        assertThat(metered.harness().numKeyedStateEntries()).as("every request of the page ended").isZero();
    }

    @Test
    void aFailureWhoseStartWasNotSeenPassesAsItCameAndIsCounted() throws Exception {
        String failed = "{\"method\":\"Network.loadingFailed\",\"params\":{\"requestId\":\"77.1\",\"timestamp\":12.5,"
                + "\"type\":\"XHR\",\"errorText\":\"net::ERR_ABORTED\",\"canceled\":true}}";
        for (NormalizedEvent event : normalize(0, failed)) {
            metered.harness().processElement(event, SHIPPED);
        }

        NormalizedEvent failure = metered.harness().extractOutputValues().get(0);
        assertThat(((NetworkRequest) failure.getPayload()).getUrl()).isNull();
        assertThat(failure.getEventTime()).isEqualTo(Instant.ofEpochMilli(SHIPPED));
        assertThat(metered.count(CompleteFailedRequests.FAILURES_WITHOUT_START)).isEqualTo(1);
    }

    private List<NormalizedEvent> normalize(long offset, String line) {
        RawRecord raw = new RawRecord(Source.BROWSER, "braid.raw.browser", 0, offset, SHIPPED,
                "page".getBytes(StandardCharsets.UTF_8), line.getBytes(StandardCharsets.UTF_8), Map.of());
        return normalizer.normalize(raw).events();
    }
}
