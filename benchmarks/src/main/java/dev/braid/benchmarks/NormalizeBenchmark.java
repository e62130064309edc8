package dev.braid.benchmarks;

import dev.braid.connectors.RawRecord;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.functions.RawRecordNormalizer;
import dev.braid.schema.Source;


import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints the CPU cost of normalizing one record per format (parse, deterministic id, redaction of
 * every string, Avro build) on one thread. The jobs' end-to-end speed, as a ratio to their frame's
 * limit, is {@link PipelineBenchmark}'s.
 *
 * <pre>mvn -B -q install -DskipTests && mvn -B -q -pl benchmarks exec:exec</pre>
 */
public final class NormalizeBenchmark {

    private static final long T0 = 1_795_255_200_000L;
    private static final int WARMUP_ROUNDS = 20_000;
    private static final int MEASURED_ROUNDS = 100_000;

    private NormalizeBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.out.printf("Braid normalize benchmark  (cores: %d, max heap: %d MiB, java %s)%n%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"));
        perRecordCost();
    }

    private static void perRecordCost() {
        RawRecordNormalizer normalizer = new RawRecordNormalizer(1 << 20, NormalizeConfig.MAX_TIME_AHEAD.defaultValue());
        System.out.println("Per-record normalize cost, one thread (parse + id + redaction + Avro build):");
        System.out.printf("  %-22s %12s %14s%n", "format", "µs/record", "records/s");
        for (Map.Entry<String, RawRecord> sample : samples().entrySet()) {
            RawRecord raw = sample.getValue();
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                consume(normalizer.normalize(raw));
            }
            long start = System.nanoTime();
            for (int i = 0; i < MEASURED_ROUNDS; i++) {
                consume(normalizer.normalize(raw));
            }
            double micros = (System.nanoTime() - start) / 1_000.0 / MEASURED_ROUNDS;
            System.out.printf("  %-22s %12.2f %,14.0f%n", sample.getKey(), micros, 1_000_000 / micros);
        }
        System.out.println();
    }

    private static long sink;

    private static void consume(RawRecordNormalizer.Result result) {
        if (result.deadLetter() != null) {
            throw new IllegalStateException("benchmark sample was rejected: " + result.deadLetter().getDetail());
        }
        sink += result.events().size();
    }

    private static Map<String, RawRecord> samples() {
        Map<String, RawRecord> samples = new LinkedHashMap<>();
        samples.put("pino json", raw(Source.BACKEND, pinoLine(1)));
        samples.put("logback line", raw(Source.BACKEND,
                "10:01:00.160 [http-nio-8080-exec-3] ERROR c.a.shop.checkout.PasswordPolicy - rejected password for order 1182"));
        samples.put("python logging", raw(Source.BACKEND,
                "2026-11-21 10:00:00,123 WARNING shop.cart cart 1182 is missing a price trace_id=4bf92f3577b34da6a3ce929d0e0e4736"));
        samples.put("cdp request", raw(Source.BROWSER, cdpRequest(1)));
        samples.put("web-vital", raw(Source.BROWSER,
                "{\"name\":\"LCP\",\"value\":2512.4,\"rating\":\"needs-improvement\",\"delta\":2512.4,\"id\":\"v5-1795255200000-1\",\"navigationType\":\"navigate\"}"));
        samples.put("agent event", raw(Source.AGENT,
                "{\"type\":\"llm.call\",\"time\":\"2026-11-21T10:00:00Z\",\"task_id\":\"t-1\",\"signature\":\"fix-cart\",\"attempt\":2,"
                        + "\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-5\",\"tokens_in\":18432,\"tokens_out\":1210,\"latency_ms\":8204}"));
        samples.put("git hook", raw(Source.GIT,
                "{\"type\":\"git.commit\",\"repo\":\"acme/shop\",\"branch\":\"main\",\"sha\":\"9c1e5f0d2b7a4e6c8d3f1a0b5e7c9d2f4a6b8c0e\","
                        + "\"parents\":[],\"author\":{\"name\":\"Dana\",\"email\":\"dana@acme.test\"},\"time\":\"2026-11-21T10:00:00Z\","
                        + "\"message\":\"Tighten password validation\",\"files\":[{\"status\":\"M\",\"path\":\"src/validate.ts\"}]}"));
        return samples;
    }

    private static RawRecord raw(Source source, String value) {
        return new RawRecord(source, "raw." + source.name().toLowerCase(), 0, 0, T0, "bench".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static String pinoLine(int i) {
        return "{\"level\":30,\"time\":" + (T0 + i) + ",\"pid\":7,\"hostname\":\"api\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e"
                + String.format("%04x", i & 0xffff) + "\",\"req\":{\"method\":\"GET\",\"url\":\"/api/items?page=" + i
                + "\"},\"msg\":\"request completed\"}";
    }

    private static String cdpRequest(int i) {
        return "{\"method\":\"Network.requestWillBeSent\",\"params\":{\"requestId\":\"r" + i + "\",\"wallTime\":" + (T0 + i) / 1000.0
                + ",\"type\":\"Fetch\",\"request\":{\"url\":\"http://localhost:3000/api/items?token=abc" + i
                + "\",\"method\":\"GET\",\"headers\":{\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\","
                + "\"Authorization\":\"Bearer abcdefghijklmnop\"}}}}";
    }
}
