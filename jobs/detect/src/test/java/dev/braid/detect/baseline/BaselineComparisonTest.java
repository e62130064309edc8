package dev.braid.detect.baseline;

import static dev.braid.testing.Events.errorLog;
import static dev.braid.testing.Events.testResult;
import static dev.braid.testing.Events.webVital;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.braid.detect.baseline.Regression.Kind;
import dev.braid.detect.rules.RuleFiles;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;
import dev.braid.testing.Events;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What {@code braid analyze regression} reports between two states, by the bundled thresholds. */
class BaselineComparisonTest {

    private static final long MIN = 60_000;
    /** The healthy run fills minutes 0 to 20; the change runs an hour later. */
    private static final long LATER = 60 * MIN;
    private static final String SHOP = "https://shop.example.com";

    private static final RuleSpec RULE = RuleFiles.bundled().stream()
            .filter(spec -> spec.rule().equals(BaselineRegression.RULE)).findFirst().orElseThrow();
    private static final BaselineComparison COMPARISON = new BaselineComparison(RULE);

    @Test
    void aBreakingChangeIsNamedExactlyAndUnchangedTestsEndpointsAndPagesAreNot() {
        List<NormalizedEvent> healthy = healthy(0);
        List<NormalizedEvent> broken = new ArrayList<>(healthy);
        broken.add(testResult("cart-broken", LATER + MIN, "acme/shop", "main", "cart adds an item", "c9", TestStatus.FAILED));
        broken.add(testResult("totals-later", LATER + MIN, "acme/shop", "main", "checkout totals", "c9", TestStatus.PASSED));
        broken.add(testResult("search-later", LATER + MIN, "acme/shop", "main", "search finds shoes", "c9", TestStatus.FAILED));
        traffic(broken, LATER, "GET", "/api/orders/", 100, 200);
        traffic(broken, LATER, "POST", "/api/checkout", 400, 200);
        vitals(broken, LATER);
        broken.add(errorLog("order-later", LATER + 2 * MIN, "checkout", "order 77 not found"));
        broken.add(errorLog("gateway-1", LATER + 3 * MIN, "checkout", "payment gateway timed out after 3000 ms"));

        List<Regression> regressions = COMPARISON.regressions(snapshot(healthy), snapshot(broken));

        assertThat(regressions).extracting(Regression::kind, Regression::subject).containsExactly(
                tuple(Kind.TEST_FAILING, "test|acme/shop|cart adds an item"),
                tuple(Kind.SLOWER_ENDPOINT, "endpoint|shop.example.com POST /api/checkout"),
                tuple(Kind.NEW_ERROR, "error|checkout|payment gateway timed out after <n> ms"));
        assertThat(regressions.get(0).evidence()).containsEntry("now", "FAILED on commit c9 at 2026-11-21T11:01:00Z");
        assertThat(regressions.get(0).eventIds()).containsExactly("cart-3", "cart-broken");
        assertThat(regressions.get(1).summary()).matches("shop.example.com POST /api/checkout: p95 latency 2\\d\\d ms → 4\\d\\d ms \\(\\+\\d+ %\\)");
        assertThat(regressions.get(2).evidence()).containsEntry("example", "payment gateway timed out after 3000 ms");
        assertThat(regressions.get(2).eventIds()).containsExactly("gateway-1");
    }

    @Test
    void theSameBehaviourAgainIsNoRegression() {
        List<NormalizedEvent> again = new ArrayList<>(healthy(0));
        again.addAll(healthy(LATER));

        assertThat(COMPARISON.regressions(snapshot(healthy(0)), snapshot(again))).isEmpty();
    }

    @Test
    void anErrorRateUpByMoreThanTheThresholdIsAFailingEndpoint() {
        List<NormalizedEvent> failing = new ArrayList<>(healthy(0));
        traffic(failing, LATER, "GET", "/api/orders/", 100, 200);
        for (int i = 0; i < 3; i++) {
            failing.add(exchange("orders-500-" + i, LATER + 10 * MIN, "GET", SHOP + "/api/orders/" + i, 500, 100));
        }

        assertThat(COMPARISON.regressions(snapshot(healthy(0)), snapshot(failing)))
                .singleElement().satisfies(regression -> {
                    assertThat(regression.kind()).isEqualTo(Kind.FAILING_ENDPOINT);
                    assertThat(regression.summary()).isEqualTo("shop.example.com GET /api/orders/{id}: error rate 0.0 % → 13.0 %");
                });
    }

    @Test
    void aWebVitalWorseByMoreThanTheThresholdIsNamedWithItsPage() {
        List<NormalizedEvent> slower = new ArrayList<>(healthy(0));
        for (int i = 0; i < 10; i++) {
            slower.add(webVital("lcp-slow-" + i, LATER + i * MIN, SHOP + "/products/" + i, "LCP", 3500 + i * 10, "needs-improvement"));
        }

        assertThat(COMPARISON.regressions(snapshot(healthy(0)), snapshot(slower)))
                .singleElement().satisfies(regression -> {
                    assertThat(regression.kind()).isEqualTo(Kind.WORSE_WEB_VITAL);
                    assertThat(regression.subject()).isEqualTo("page|shop.example.com/products/{id}|LCP");
                });
    }

    @Test
    void tooFewMeasurementsSinceTheBaselineAreNotCompared() {
        List<NormalizedEvent> sparse = new ArrayList<>(healthy(0));
        sparse.add(exchange("one-slow", LATER, "POST", SHOP + "/api/checkout", 200, 5_000));

        assertThat(COMPARISON.regressions(snapshot(healthy(0)), snapshot(sparse))).isEmpty();
    }

    /** Three green tests and one already red, two endpoints, one page's vitals and a known error. */
    private static List<NormalizedEvent> healthy(long at) {
        List<NormalizedEvent> events = new ArrayList<>();
        for (int run = 1; run <= 3; run++) {
            events.add(testResult("cart-" + run, at + run * MIN, "acme/shop", "main", "cart adds an item", "c" + run, TestStatus.PASSED));
            events.add(testResult("totals-" + run, at + run * MIN, "acme/shop", "main", "checkout totals", "c" + run, TestStatus.PASSED));
            events.add(testResult("search-" + run, at + run * MIN, "acme/shop", "main", "search finds shoes", "c" + run, TestStatus.FAILED));
        }
        traffic(events, at, "GET", "/api/orders/", 100, 200);
        traffic(events, at, "POST", "/api/checkout", 200, 200);
        vitals(events, at);
        events.add(errorLog("order-" + at, at + 5 * MIN, "checkout", "order 1234 not found"));
        return events;
    }

    /** Twenty responses over twenty minutes, latencies from {@code base} to {@code base + 40} ms. */
    private static void traffic(List<NormalizedEvent> events, long at, String method, String path, int base, int status) {
        for (int i = 0; i < 20; i++) {
            String url = SHOP + path + (path.endsWith("/") ? Integer.toString(i) : "");
            events.add(exchange(method + path + at + "-" + i, at + i * MIN, method, url, status, base + (i % 5) * 10));
        }
    }

    private static void vitals(List<NormalizedEvent> events, long at) {
        for (int i = 0; i < 10; i++) {
            events.add(webVital("lcp-" + at + "-" + i, at + i * MIN, SHOP + "/products/" + i, "LCP", 1800 + i * 40, "good"));
            events.add(webVital("cls-" + at + "-" + i, at + i * MIN, SHOP + "/products/" + i, "CLS", 0.05, "good"));
        }
    }

    /** A browser response already paired with its request's method, as the endpoint state takes it. */
    private static NormalizedEvent exchange(String id, long at, String method, String url, int status, double millis) {
        NormalizedEvent response = Events.networkResponse(id, at, id, url, status, millis);
        return NormalizedEvent.newBuilder(response)
                .setPayload(NetworkRequest.newBuilder((NetworkRequest) response.getPayload()).setMethod(method).build())
                .build();
    }

    /** The state the job's operators would hold after these events, without the job. */
    private static BaselineSnapshot snapshot(List<NormalizedEvent> events) {
        Buckets buckets = new Buckets(RULE.duration("bucket").toMillis(), RULE.count("buckets"));
        return new BaselineSnapshot(
                apply(new TestBaseline(), events), apply(new EndpointBaseline(buckets), events),
                apply(new PageBaseline(buckets), events), apply(new ErrorBaseline(), events));
    }

    private static <S> Map<String, S> apply(Tracked<S> tracked, List<NormalizedEvent> events) {
        Map<String, S> state = new HashMap<>();
        for (NormalizedEvent event : events) {
            if (tracked.selects(event)) {
                // Each event is a fresh copy, as the job's deserialized records are.
                NormalizedEvent copy = NormalizedEvent.newBuilder(event).build();
                state.put(tracked.key(copy), tracked.update(state.get(tracked.key(copy)), copy));
            }
        }
        return state;
    }
}
