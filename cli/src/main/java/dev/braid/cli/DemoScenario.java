package dev.braid.cli;

import dev.braid.connectors.Topics;
import dev.braid.schema.Source;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small, realistic day in a shop app, as the real tools write it: a commit tightens checkout
 * password validation, the browser's checkout call fails with a 500 carrying a trace id, the
 * backend logs the error with its stack trace line by line, Jest goes red, a spot runner is
 * interrupted, a coding agent retries a fix, and one shipper sends a broken record.
 */
final class DemoScenario {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String COMMIT = "9c1e5f0d2b7a4e6c8d3f1a0b5e7c9d2f4a6b8c0e";
    /** 2026-11-21T10:00:00Z */
    private static final long T0 = 1_795_255_200_000L;

    private final Topics topics;
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();

    private DemoScenario(Topics topics) {
        this.topics = topics;
    }

    static List<ProducerRecord<byte[], byte[]>> records(Topics topics) {
        DemoScenario scenario = new DemoScenario(topics);
        scenario.commit();
        scenario.browserCheckout();
        scenario.backendError();
        scenario.testRun();
        scenario.ciRunner();
        scenario.agent();
        scenario.send(Source.BROWSER, "collector", 9_000,
                "{\"method\":\"Runtime.consoleAPICalled\",\"params\":{\"type\":\"log\",\"args\":[");
        return scenario.records;
    }

    private void commit() {
        send(Source.GIT, "shop", 0, """
                {"type":"git.commit","repo":"acme/shop","branch":"main","sha":"%s","parents":["1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"],\
                "author":{"name":"Dana Dev","email":"dana@acme.test"},"committer":{"name":"Dana Dev","email":"dana@acme.test"},\
                "time":"2026-11-21T10:00:00Z","message":"Tighten password validation in checkout",\
                "files":[{"status":"M","path":"src/checkout/validate.ts"}]}""".formatted(COMMIT));
    }

    private void browserCheckout() {
        send(Source.BROWSER, "tab-1", 60_000, """
                {"method":"Network.requestWillBeSent","params":{"requestId":"812.5","wallTime":%s,"type":"Fetch",\
                "documentURL":"http://localhost:3000/checkout","request":{"url":"http://localhost:3000/api/checkout?session_token=st_93jd82k",\
                "method":"POST","headers":{"traceparent":"00-%s-00f067aa0ba902b7-01","Authorization":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkYW5hIn0.sig"}}}}"""
                .formatted((T0 + 60_000) / 1000.0, TRACE_ID));
        send(Source.BROWSER, "tab-1", 60_180, """
                {"method":"Network.responseReceived","params":{"requestId":"812.5","timestamp":265.93,"type":"Fetch",\
                "response":{"url":"http://localhost:3000/api/checkout","status":500,"statusText":"Internal Server Error",\
                "mimeType":"application/json","timing":{"receiveHeadersEnd":176.4}}}}""");
        send(Source.BROWSER, "tab-1", 60_200, """
                {"method":"Runtime.consoleAPICalled","params":{"type":"error","timestamp":%d,\
                "args":[{"type":"string","value":"Checkout failed: password does not meet the new policy"}]}}"""
                .formatted(T0 + 60_200));
    }

    private void backendError() {
        send(Source.BACKEND, "shop-api", 60_150, """
                {"level":50,"time":%d,"pid":4121,"hostname":"shop-api-1","trace_id":"%s",\
                "req":{"method":"POST","url":"/api/checkout"},"msg":"checkout failed"}""".formatted(T0 + 60_150, TRACE_ID));
        send(Source.BACKEND, "shop-worker", 60_160,
                "10:01:00.160 [http-nio-8080-exec-3] ERROR c.a.shop.checkout.PasswordPolicy - rejected password for order 1182 trace_id=" + TRACE_ID);
        send(Source.BACKEND, "shop-worker", 60_161, "java.lang.IllegalArgumentException: password must contain a symbol");
        send(Source.BACKEND, "shop-worker", 60_162, "\tat com.acme.shop.checkout.PasswordPolicy.check(PasswordPolicy.java:42)");
        send(Source.BACKEND, "shop-worker", 60_163, "\tat com.acme.shop.checkout.CheckoutService.submit(CheckoutService.java:88)");
        send(Source.BACKEND, "shop-worker", 61_000,
                "10:01:01.000 [http-nio-8080-exec-4] INFO  c.a.shop.checkout.CheckoutService - retry scheduled");
    }

    private void testRun() {
        send(Source.TEST, "shop-ci", 120_000, """
                {"numFailedTests":1,"numPassedTests":1,"numTotalTests":2,"success":false,"startTime":%d,\
                "testResults":[{"name":"/repo/src/checkout/validate.test.ts","status":"failed","startTime":%d,"endTime":%d,"message":"",\
                "assertionResults":[\
                {"ancestorTitles":["checkout"],"title":"accepts a strong password","fullName":"checkout accepts a strong password","status":"passed","duration":4,"failureMessages":[]},\
                {"ancestorTitles":["checkout"],"title":"validates password","fullName":"checkout validates password","status":"failed","duration":9,\
                "failureMessages":["Error: expect(received).toBe(expected)\\n\\nExpected: true\\nReceived: false"]}]}]}"""
                .formatted(T0 + 120_000, T0 + 120_000, T0 + 120_400));
    }

    private void ciRunner() {
        send(Source.CI, "runner-fleet", 180_000, """
                {"version":"0","id":"7f2a1c3e-1111-2222-3333-444455556666","detail-type":"EC2 Spot Instance Interruption Warning",\
                "source":"aws.ec2","account":"123456789012","time":"2026-11-21T10:03:00Z","region":"eu-west-1",\
                "resources":["arn:aws:ec2:eu-west-1b:instance/i-0b22a22eec53b9321"],\
                "detail":{"instance-id":"i-0b22a22eec53b9321","instance-action":"terminate"}}""");
    }

    private void agent() {
        for (int attempt = 1; attempt <= 3; attempt++) {
            send(Source.AGENT, "fixer", 240_000 + attempt * 1_000L, """
                    {"type":"task.attempt","time":%d,"task_id":"task-checkout-fix","signature":"fix-checkout-password","attempt":%d}"""
                    .formatted(T0 + 240_000 + attempt * 1_000L, attempt));
        }
        send(Source.AGENT, "fixer", 250_000, """
                {"type":"task.outcome","time":%d,"task_id":"task-checkout-fix","signature":"fix-checkout-password","attempt":3,"outcome":"success",\
                "summary":"allow symbols in the password regex"}""".formatted(T0 + 250_000));
    }

    private void send(Source source, String key, long offsetMillis, String value) {
        records.add(new ProducerRecord<>(topics.raw(source), null, T0 + offsetMillis,
                key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
    }
}
