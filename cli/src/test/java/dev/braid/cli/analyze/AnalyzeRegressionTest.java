package dev.braid.cli.analyze;

import static dev.braid.testing.Events.errorLog;
import static dev.braid.testing.Events.networkRequest;
import static dev.braid.testing.Events.networkResponse;
import static dev.braid.testing.Events.testResult;
import static dev.braid.testing.Events.webVital;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.braid.cli.BackgroundRun;
import dev.braid.cli.CliRun;
import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.Topics;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * The seeds' regression check end to end: a running detect job sees a healthy scenario, a baseline
 * is saved through its REST API, a breaking change runs, and the analysis against the live job
 * names exactly what broke.
 */
class AnalyzeRegressionTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MIN = 60_000;
    /** The healthy scenario fills minutes 0 to 20; the change runs an hour later. */
    private static final long LATER = 60 * MIN;
    private static final String SHOP = "https://shop.example.com";

    @TempDir
    Path dir;

    @Test
    void afterABreakingChangeTheAnalysisNamesExactlyTheTestTheEndpointAndTheNewError() throws Exception {
        Configuration config = FreshTopics.on(KAFKA);
        Topics topics = Topics.from(config);
        String group = "analyze-test-" + topics.events();
        String flink = "http://localhost:" + BackgroundRun.freePort();
        String catalog = dir.resolve("savepoints/baselines.json").toString();
        BackgroundRun run = BackgroundRun.start(config, List.of("run", "--jobs", "detect", "--create-topics",
                "--rest-port", flink.substring(flink.lastIndexOf(':') + 1), "--state-dir", dir.resolve("state").toString(),
                "--set", "braid.checkpoint-interval=500 ms", "--set", "braid.detect.group-id=" + group));
        try {
            BackgroundRun.awaitTopic(KAFKA.bootstrapServers(), topics.events());
            send(topics, healthy());
            KAFKA.client().awaitConsumed(group, List.of(topics.events()), WAIT);
            CliRun saved = CliRun.of("baseline", "save", "healthy", "--flink", flink, "--catalog", catalog);
            assertThat(saved.exitCode()).as(saved.err()).isZero();

            send(topics, breakingChange());
            KAFKA.client().awaitConsumed(group, List.of(topics.events()), WAIT);
            CliRun analysis = CliRun.on(config, List.of("analyze", "regression", "--baseline", "healthy", "--live", "--json",
                    "--publish", "--flink", flink, "--catalog", catalog));
            assertThat(analysis.exitCode()).as(analysis.err()).isZero();

            JsonNode report = new ObjectMapper().readTree(analysis.out());
            assertThat(report.path("regressions")).extracting(r -> r.path("kind").asText(), r -> r.path("subject").asText())
                    .containsExactly(
                            tuple("TEST_FAILING", "test|acme/shop|cart adds an item"),
                            tuple("SLOWER_ENDPOINT", "endpoint|shop.example.com POST /api/checkout"),
                            tuple("NEW_ERROR", "error|checkout|payment gateway timed out after <n> ms"));
            assertThat(report.path("compared").path("endpoints").asInt()).isEqualTo(2);
            assertThat(report.path("compared").path("pages").asInt()).isEqualTo(1);
            JsonNode test = report.path("regressions").get(0);
            assertThat(test.path("evidence").path("now").asText()).startsWith("FAILED on commit c9");
            assertThat(ids(test.path("eventIds"))).containsExactly("cart-3", "cart-broken");
            JsonNode slower = report.path("regressions").get(1);
            assertThat(slower.path("summary").asText()).matches(".*p95 latency 2\\d\\d ms → 4\\d\\d ms.*");
            assertThat(ids(slower.path("traceIds"))).containsExactly("trace-checkout-later");
            assertThat(report.path("total").asInt()).isEqualTo(3);
            assertThat(report.path("published").asInt()).isEqualTo(3);

            // The job's own test-regression rule alerts on the red test too; the analysis adds its three.
            List<Alert> alerts = AvroRecords.decodeAll(
                    KAFKA.client().readCommitted(topics.alerts(AlertFamily.REGRESSIONS)), Alert.class).stream()
                    .filter(alert -> alert.getRule().equals("baseline-regression")).toList();
            assertThat(alerts).extracting(Alert::getKey).containsExactlyInAnyOrder(
                    "test|acme/shop|cart adds an item", "endpoint|shop.example.com POST /api/checkout",
                    "error|checkout|payment gateway timed out after <n> ms");
            assertThat(alerts).filteredOn(alert -> alert.getKey().startsWith("error|")).singleElement()
                    .satisfies(alert -> assertThat(alert.getSuggestedAction()).startsWith("Compare with baseline healthy: occurrences 1 between"));

            CliRun savedLater = CliRun.of("baseline", "save", "broken", "--flink", flink, "--catalog", catalog);
            assertThat(savedLater.exitCode()).as(savedLater.err()).isZero();
            CliRun text = CliRun.of("analyze", "regression", "--baseline", "healthy", "--against", "broken", "--catalog", catalog);
            assertThat(text.out()).contains("against baseline broken",
                    "compared 3 tests, 2 endpoints, 1 pages, 2 error signatures",
                    "3 regressions: new error 1, slower endpoint 1, test failing 1",
                    "test failing  test 'cart adds an item' passed in the baseline and fails now on commit c9",
                    "  events: cart-3, cart-broken");
            CliRun first = CliRun.of("analyze", "regression", "--baseline", "healthy", "--against", "broken", "--limit", "1",
                    "--catalog", catalog);
            assertThat(first.out()).contains("test failing  test 'cart adds an item'").doesNotContain("slower endpoint  ")
                    .endsWith("-- 1 of 3 regressions shown; --limit N shows more, up to 25 KB of text\n");
            CliRun same = CliRun.of("analyze", "regression", "--baseline", "broken", "--against", "broken", "--catalog", catalog);
            assertThat(same.out()).endsWith("no regressions\n");
        } finally {
            run.stop();
        }
    }

    @Test
    void aMissingBaselineOrAnUnreachableJobIsOneLine() throws Exception {
        String catalog = dir.resolve("baselines.json").toString();

        CliRun unknown = CliRun.of("analyze", "regression", "--baseline", "nosuch", "--live", "--catalog", catalog);
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("braid: no baseline nosuch").hasLineCount(1);

        CliRun neither = CliRun.of("analyze", "regression", "--baseline", "healthy", "--catalog", catalog);
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("--against", "--live");
    }

    /** Three green tests and one red, two endpoints, a page's vitals and a known error. */
    private static List<NormalizedEvent> healthy() {
        List<NormalizedEvent> events = new ArrayList<>();
        for (int run = 1; run <= 3; run++) {
            events.add(testResult("cart-" + run, run * MIN, "acme/shop", "main", "cart adds an item", "c" + run, TestStatus.PASSED));
            events.add(testResult("totals-" + run, run * MIN, "acme/shop", "main", "checkout totals", "c" + run, TestStatus.PASSED));
            events.add(testResult("search-" + run, run * MIN, "acme/shop", "main", "search finds shoes", "c" + run, TestStatus.FAILED));
        }
        traffic(events, 0, "GET", "/api/orders/", 100, "trace-orders");
        traffic(events, 0, "POST", "/api/checkout", 200, "trace-checkout");
        for (int i = 0; i < 10; i++) {
            events.add(webVital("lcp-" + i, i * MIN, SHOP + "/products/" + i, "LCP", 1800 + i * 40, "good"));
        }
        events.add(errorLog("order-1", 5 * MIN, "checkout", "order 1234 not found"));
        return events;
    }

    /** The checkout takes twice as long, one test goes red, a new error appears; the rest stays as it was. */
    private static List<NormalizedEvent> breakingChange() {
        List<NormalizedEvent> events = new ArrayList<>();
        events.add(testResult("cart-broken", LATER + MIN, "acme/shop", "main", "cart adds an item", "c9", TestStatus.FAILED));
        events.add(testResult("totals-later", LATER + MIN, "acme/shop", "main", "checkout totals", "c9", TestStatus.PASSED));
        events.add(testResult("search-later", LATER + MIN, "acme/shop", "main", "search finds shoes", "c9", TestStatus.FAILED));
        traffic(events, LATER, "GET", "/api/orders/", 100, "trace-orders-later");
        traffic(events, LATER, "POST", "/api/checkout", 400, "trace-checkout-later");
        for (int i = 0; i < 10; i++) {
            events.add(webVital("lcp-later-" + i, LATER + i * MIN, SHOP + "/products/" + i, "LCP", 1800 + i * 40, "good"));
        }
        events.add(errorLog("order-2", LATER + 2 * MIN, "checkout", "order 77 not found"));
        events.add(errorLog("gateway-1", LATER + 3 * MIN, "checkout", "payment gateway timed out after 3000 ms"));
        return events;
    }

    /** Twenty browser requests and their responses, one a minute, from {@code base} to {@code base + 40} ms. */
    private static void traffic(List<NormalizedEvent> events, long at, String method, String path, int base, String trace) {
        for (int i = 0; i < 20; i++) {
            String url = SHOP + path + (path.endsWith("/") ? Integer.toString(i) : "");
            String request = method + path + at + "-" + i;
            events.add(networkRequest(request + "-req", at + i * MIN, request, method, url));
            events.add(NormalizedEvent.newBuilder(networkResponse(request + "-res", at + i * MIN + 50, request, url, 200, base + (i % 5) * 10))
                    .setTraceId(trace).build());
        }
    }

    private static void send(Topics topics, List<NormalizedEvent> events) {
        KAFKA.client().send(events.stream()
                .map(event -> new ProducerRecord<>(topics.events(), null, event.getEventTime().toEpochMilli(),
                        event.getId().getBytes(StandardCharsets.UTF_8), AvroRecords.encode(event)))
                .toList());
    }

    private static List<String> ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
