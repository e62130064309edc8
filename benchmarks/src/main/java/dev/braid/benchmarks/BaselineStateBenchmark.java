package dev.braid.benchmarks;

import dev.braid.connectors.AvroRecords;
import dev.braid.detect.baseline.Sketches;
import dev.braid.schema.baseline.Bucket;
import dev.braid.schema.baseline.EndpointStats;
import dev.braid.schema.baseline.Series;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Prints what the detect job's baseline state costs per measurement (a latency or a Web Vital
 * added to a {@link Series}: decode the t-digests, add, encode) and how large one endpoint's state
 * grows, in this JVM without Flink (RocksDB adds its own (de)serialization of the record).
 *
 * <pre>mvn -B -q install -DskipTests && mvn -B -q -pl benchmarks exec:exec -Dbenchmark=dev.braid.benchmarks.BaselineStateBenchmark</pre>
 */
public final class BaselineStateBenchmark {

    private static final long BUCKET_MILLIS = 5 * 60_000L;
    private static final int BUCKETS = 12;
    private static final int WARMUP = 200_000;
    private static final int MEASURED = 1_000_000;
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private BaselineStateBenchmark() {}

    public static void main(String[] args) {
        Random random = new Random(42);
        add(Sketches.emptySeries(), WARMUP, random);

        Series series = Sketches.emptySeries();
        long started = System.nanoTime();
        add(series, MEASURED, random);
        double nanosPerAdd = (System.nanoTime() - started) / (double) MEASURED;

        EndpointStats endpoint = EndpointStats.newBuilder()
                .setEndpoint("shop.example.com POST /api/checkout").setMethod("POST").setRoute("/api/checkout")
                .setStatusCodes(new HashMap<>(Map.of("200", 990_000L, "500", 10_000L)))
                .setLatency(series).setLastEventId("e".repeat(32)).setLastTraceId("t".repeat(32)).build();
        int stateBytes = AvroRecords.encode(endpoint).length;
        double p95 = Sketches.quantile(List.of(series.getSketch()), 0.95);
        double recentP95 = Sketches.quantile(series.getRecent().stream().map(Bucket::getSketch).toList(), 0.95);

        System.out.printf("%,d latencies (log-normal, median ~120 ms) over %d-minute buckets, %d kept%n%n",
                MEASURED, BUCKET_MILLIS / 60_000, BUCKETS);
        System.out.println("| figure | value |");
        System.out.println("|---|---:|");
        System.out.printf("| time per measurement (decode, add, encode) | %.2f µs |%n", nanosPerAdd / 1000);
        System.out.printf("| measurements per second, one core | %,.0f |%n", 1e9 / nanosPerAdd);
        System.out.printf("| one endpoint's state, Avro-encoded | %,d bytes |%n", stateBytes);
        System.out.printf("| all-time p95 / recent p95 | %.0f ms / %.0f ms |%n", p95, recentP95);
    }

    /** One measurement a second of event time, so the buckets roll over as in production. */
    private static void add(Series series, int count, Random random) {
        for (int i = 0; i < count; i++) {
            double millis = Math.exp(Math.log(120) + 0.5 * random.nextGaussian());
            Sketches.add(series, T0.plusSeconds(i), millis, millis > 1_000, BUCKET_MILLIS, BUCKETS);
        }
    }
}
