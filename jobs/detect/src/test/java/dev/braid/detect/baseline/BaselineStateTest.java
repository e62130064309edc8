package dev.braid.detect.baseline;

import static dev.braid.testing.Events.errorLog;
import static dev.braid.testing.Events.mcpProbe;
import static dev.braid.testing.Events.networkRequest;
import static dev.braid.testing.Events.networkResponse;
import static dev.braid.testing.Events.testResult;
import static dev.braid.testing.Events.webVital;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.detect.DetectConfig;
import dev.braid.detect.DetectJob;
import dev.braid.detect.DetectRun;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TestStatus;
import dev.braid.schema.baseline.Series;
import dev.braid.testing.EventRecords;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.KafkaBrokerExtension;
import dev.braid.testing.KafkaTestClient;
import dev.braid.testing.RestartableJobs;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The detect job keeps per test, endpoint, page and error signature state, and a savepoint of the
 * job reads back as a {@link BaselineSnapshot}.
 */
class BaselineStateTest {

    private static final long SEC = 1_000;
    private static final long MIN = 60 * SEC;
    private static final String SHOP = "https://shop.example.com";
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @Test
    void aSavepointOfTheJobHoldsWhatEachTestEndpointPageAndErrorLooksLike(@TempDir Path checkpoints, @TempDir Path savepoints)
            throws Exception {
        DetectConfig config = DetectConfig.from(DetectRun.config(KAFKA, Duration.ofSeconds(1)));
        KAFKA.createTopics(config.topics().all());
        KafkaTestClient kafka = KAFKA.client();
        kafka.send(EventRecords.inOnePartition(config.topics(), scenario()));
        kafka.send(EventRecords.ticks(config.topics(), 30 * MIN));

        JobClient job = RestartableJobs.start(DetectRun.CHECKPOINT_INTERVAL, checkpoints, env -> DetectJob.wireKafka(env, config));
        // The marker's alert means the source read everything before it; the savepoint then holds it all.
        kafka.awaitCommitted(config.topics().alerts(AlertFamily.AGENT), 1, PATIENCE);
        String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();

        BaselineSnapshot baseline = BaselineReader.read(new EmbeddedRocksDBStateBackend(), savepoint).get(0);

        assertThat(baseline.tests()).containsOnlyKeys("acme/shop|cart adds an item", "acme/shop|checkout totals");
        assertThat(baseline.tests().get("acme/shop|cart adds an item")).satisfies(test -> {
            assertThat(test.getPassed()).isEqualTo(2);
            assertThat(test.getFailed()).isEqualTo(1);
            assertThat(test.getLastStatus()).isEqualTo("FAILED");
            assertThat(test.getLastCommit()).isEqualTo("c3");
            assertThat(test.getLastEventId()).isEqualTo("cart-3");
        });
        assertThat(baseline.tests().get("acme/shop|checkout totals")).satisfies(test -> {
            assertThat(test.getSkipped()).isEqualTo(1);
            assertThat(test.getLastStatus()).isEqualTo("PASSED");
        });

        assertThat(baseline.endpoints()).containsOnlyKeys(
                "shop.example.com GET /api/orders/{id}", "shop.example.com POST /api/checkout");
        assertThat(baseline.endpoints().get("shop.example.com GET /api/orders/{id}")).satisfies(orders -> {
            assertThat(orders.getStatusCodes()).isEqualTo(Map.of("200", 2L));
            assertThat(orders.getLatency().getCount()).isEqualTo(2);
            assertThat(orders.getLatency().getBad()).isZero();
        });
        assertThat(baseline.endpoints().get("shop.example.com POST /api/checkout")).satisfies(checkout -> {
            assertThat(checkout.getStatusCodes()).isEqualTo(Map.of("500", 1L));
            assertThat(checkout.getLatency().getBad()).isEqualTo(1);
            assertThat(checkout.getLastTraceId()).isEqualTo("trace-checkout");
        });

        assertThat(baseline.pages()).containsOnlyKeys("shop.example.com/products/{id}");
        Map<String, Series> vitals = baseline.pages().get("shop.example.com/products/{id}").getVitals();
        assertThat(vitals).containsOnlyKeys("LCP", "CLS");
        assertThat(vitals.get("LCP").getCount()).isEqualTo(2);
        assertThat(vitals.get("LCP").getBad()).isEqualTo(1);

        assertThat(baseline.errors()).containsOnlyKeys("checkout|order <n> not found", "checkout|payment gateway timed out after <n> ms");
        assertThat(baseline.errors().get("checkout|order <n> not found")).satisfies(error -> {
            assertThat(error.getCount()).isEqualTo(2);
            assertThat(error.getExample()).isEqualTo("order 1234 not found");
            assertThat(error.getFirstEventId()).isEqualTo("err-1");
            assertThat(error.getLastEventId()).isEqualTo("err-2");
        });
    }

    private static List<NormalizedEvent> scenario() {
        return List.of(
                testResult("cart-1", MIN, "acme/shop", "main", "cart adds an item", "c1", TestStatus.PASSED),
                testResult("cart-2", 2 * MIN, "acme/shop", "main", "cart adds an item", "c2", TestStatus.PASSED),
                testResult("cart-3", 3 * MIN, "acme/shop", "main", "cart adds an item", "c3", TestStatus.FAILED),
                testResult("totals-1", MIN, "acme/shop", "main", "checkout totals", "c1", TestStatus.SKIPPED),
                testResult("totals-2", 3 * MIN, "acme/shop", "main", "checkout totals", "c3", TestStatus.PASSED),
                networkRequest("r1-req", 4 * MIN, "r1", "GET", SHOP + "/api/orders/1?expand=items"),
                networkResponse("r1-res", 4 * MIN + 120, "r1", SHOP + "/api/orders/1?expand=items", 200, 120),
                // The response before its request: paired all the same.
                networkResponse("r2-res", 5 * MIN + 80, "r2", SHOP + "/api/orders/2", 200, 80),
                networkRequest("r2-req", 5 * MIN, "r2", "GET", SHOP + "/api/orders/2"),
                networkRequest("r3-req", 6 * MIN, "r3", "POST", SHOP + "/api/checkout"),
                NormalizedEvent.newBuilder(networkResponse("r3-res", 6 * MIN + 300, "r3", SHOP + "/api/checkout", 500, 300))
                        .setTraceId("trace-checkout").build(),
                // A request still waiting for its outcome counts nowhere.
                networkRequest("r4-req", 7 * MIN, "r4", "GET", SHOP + "/api/slow"),
                webVital("lcp-1", 8 * MIN, SHOP + "/products/42?ref=mail", "LCP", 2100, "good"),
                webVital("lcp-2", 9 * MIN, SHOP + "/products/7", "LCP", 4100, "poor"),
                webVital("cls-1", 9 * MIN, SHOP + "/products/7", "CLS", 0.05, "good"),
                errorLog("err-1", 10 * MIN, "checkout", "order 1234 not found"),
                errorLog("err-2", 11 * MIN, "checkout", "order 99 not found"),
                errorLog("err-3", 12 * MIN, "checkout", "payment gateway timed out after 3000 ms"),
                mcpProbe("marker", 20 * MIN, "playwright", "down"));
    }
}
