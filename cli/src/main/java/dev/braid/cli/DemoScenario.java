package dev.braid.cli;

import dev.braid.connectors.RawInput;
import dev.braid.connectors.Topics;
import dev.braid.schema.Source;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Forty-two minutes of a shop app's development loop, as the real tools write it. A commit
 * tightens checkout password validation: the browser's checkout call fails with a 500 carrying a
 * trace id, the backend logs the error with its stack trace line by line and its OpenTelemetry
 * SDK exports the request's span, and Jest goes red on that commit; shoppers retrying get 500s.
 * The e2e job's spot runner is interrupted three times and the job fails, as do the unit tests
 * and a first agent run. A second agent run retries the fix six times, succeeds, commits
 * it, and the suite is green again.
 *
 * <p>Times are offsets from a start instant, so the demo can end its replay at "now" and tests can
 * pin them.
 */
public final class DemoScenario {

    public static final String REPO = "acme/shop";
    public static final String CHECKOUT_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    public static final String E2E_JOB_ID = "9001";
    public static final String LOOPING_TASK_ID = "task-checkout-fix-2";
    public static final String BROKEN_TEST = "checkout validates password";
    /** The span from the first record to the last. */
    public static final long SPAN_MILLIS = 42 * 60_000L;
    /** Everything before the commit that breaks checkout is healthy: the demo saves its baseline here. */
    public static final long BASELINE_AT = 5 * 60_000L;
    /** Checkout has failed for a while and the fix is still far: the demo saves the broken state here. */
    public static final long BROKEN_AT = 20 * 60_000L;

    static final String ADD_FORM = "3a1f0c9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
    static final String TIGHTEN = "9c1e5f0d2b7a4e6c8d3f1a0b5e7c9d2f4a6b8c0e";
    static final String FIX = "5d2e8f1a3c4b6d7e9f0a1b2c3d4e5f6a7b8c9d0e";
    private static final long MIN = 60_000L;
    /** Logback's default pattern prints the time of day only. */
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** One raw record and when, from the start, the tool wrote it. */
    public record Step(long offsetMillis, ProducerRecord<byte[], byte[]> record) {}

    private final Topics topics;
    private final long start;
    private final List<Step> steps = new ArrayList<>();

    private DemoScenario(Topics topics, Instant start) {
        this.topics = topics;
        this.start = start.toEpochMilli();
    }

    /** The scenario's raw records in the order the tools wrote them. */
    public static List<Step> steps(Topics topics, Instant start) {
        DemoScenario scenario = new DemoScenario(topics, start);
        scenario.commit(0, ADD_FORM, "1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6", "Add checkout form", "Ana Lee", "src/checkout/form.tsx");
        scenario.jestRun(2 * MIN, "run-101", ADD_FORM, true);
        for (int i = 0; i < 6; i++) {
            scenario.checkout(30_000 + i * 40_000, "700." + i, 200, 160 + 5 * i);
        }
        scenario.commit(5 * MIN, TIGHTEN, ADD_FORM, "Tighten password validation in checkout", "Dana Dev", "src/checkout/validate.ts");
        scenario.checkoutFails(6 * MIN);
        for (int i = 0; i < 5; i++) {
            scenario.checkout((10 + 2 * i) * MIN, "900." + i, 500, 170 + 5 * i);
        }
        scenario.jestRun(8 * MIN, "run-102", TIGHTEN, false);
        scenario.workflowJob(8 * MIN + 30_000, "9002", "unit-tests", "failure");
        scenario.spotChurn(9 * MIN);
        scenario.workflowJob(31 * MIN, E2E_JOB_ID, "e2e", "failure");
        scenario.agentRuns(32 * MIN);
        scenario.commit(40 * MIN + 30_000, FIX, TIGHTEN, "Allow symbols in the checkout password policy", "braid-fixer", "src/checkout/validate.ts");
        scenario.jestRun(41 * MIN, "run-103", FIX, true);
        scenario.runner(41 * MIN + 30_000, "launched", "i-0e2e0000000000004", "on-demand", null);
        scenario.workflowJob(SPAN_MILLIS, E2E_JOB_ID, "e2e", "success");
        scenario.steps.sort(Comparator.comparingLong(Step::offsetMillis));
        return scenario.steps;
    }

    private void commit(long at, String sha, String parent, String message, String author, String file) {
        send(at, Source.GIT, REPO, """
                {"type":"git.commit","repo":"%s","branch":"main","sha":"%s","parents":["%s"],\
                "author":{"name":"%s","email":"dev@acme.test"},"committer":{"name":"%s","email":"dev@acme.test"},\
                "time":"%s","message":"%s","files":[{"status":"M","path":"%s"}]}"""
                .formatted(REPO, sha, parent, author, author, iso(at), message, file), Map.of());
    }

    private void jestRun(long at, String runId, String commit, boolean green) {
        String validates = green
                ? "\"status\":\"passed\",\"duration\":7,\"failureMessages\":[]"
                : "\"status\":\"failed\",\"duration\":9,\"failureMessages\":[\"Error: expect(received).toBe(expected)\\n\\n"
                        + "Expected: true\\nReceived: false\\n    at Object.<anonymous> (src/checkout/validate.test.ts:14:38)\"]";
        send(at, Source.TEST, runId, """
                {"numFailedTests":%d,"numPassedTests":%d,"numTotalTests":2,"success":%b,"startTime":%d,\
                "testResults":[{"name":"/repo/src/checkout/validate.test.ts","status":"%s","startTime":%d,"endTime":%d,"message":"",\
                "assertionResults":[\
                {"ancestorTitles":["checkout"],"title":"accepts a strong password","fullName":"checkout accepts a strong password",\
                "status":"passed","duration":4,"failureMessages":[]},\
                {"ancestorTitles":["checkout"],"title":"validates password","fullName":"%s",%s}]}]}"""
                .formatted(green ? 0 : 1, green ? 2 : 1, green, millis(at), green ? "passed" : "failed", millis(at),
                        millis(at) + 400, BROKEN_TEST, validates),
                Map.of("braid.repo", REPO, "braid.branch", "main", "braid.commit", commit, "braid.run-id", runId));
    }

    private void checkoutFails(long at) {
        send(at, Source.BROWSER, "tab-1", """
                {"method":"Network.requestWillBeSent","params":{"requestId":"812.5","wallTime":%s,"type":"Fetch",\
                "documentURL":"http://localhost:3000/checkout","request":{"url":"http://localhost:3000/api/checkout?session_token=st_93jd82k",\
                "method":"POST","headers":{"traceparent":"00-%s-00f067aa0ba902b7-01","Authorization":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkYW5hIn0.sig"}}}}"""
                .formatted(millis(at) / 1000.0, CHECKOUT_TRACE_ID), Map.of());
        send(at + 150, Source.BACKEND, "shop-api", """
                {"level":50,"time":%d,"pid":4121,"hostname":"shop-api-1","trace_id":"%s",\
                "req":{"method":"POST","url":"/api/checkout"},"res":{"statusCode":500},"msg":"checkout failed: password policy rejected the request"}"""
                .formatted(millis(at + 150), CHECKOUT_TRACE_ID), Map.of("braid.service", "shop-api"));
        String clock = CLOCK.format(Instant.ofEpochMilli(millis(at + 160)));
        send(at + 160, Source.BACKEND, "shop-worker", clock
                + " [http-nio-8080-exec-3] ERROR c.a.shop.checkout.PasswordPolicy - rejected password for order 1182 trace_id="
                + CHECKOUT_TRACE_ID, Map.of("braid.service", "shop-worker"));
        send(at + 161, Source.BACKEND, "shop-worker", "java.lang.IllegalArgumentException: password must contain a symbol",
                Map.of("braid.service", "shop-worker"));
        send(at + 162, Source.BACKEND, "shop-worker", "\tat com.acme.shop.checkout.PasswordPolicy.check(PasswordPolicy.java:42)",
                Map.of("braid.service", "shop-worker"));
        send(at + 163, Source.BACKEND, "shop-worker", "\tat com.acme.shop.checkout.CheckoutService.submit(CheckoutService.java:88)",
                Map.of("braid.service", "shop-worker"));
        checkoutSpan(at + 2, at + 174);
        send(at + 180, Source.BROWSER, "tab-1", """
                {"method":"Network.responseReceived","params":{"requestId":"812.5","timestamp":265.93,"type":"Fetch",\
                "response":{"url":"http://localhost:3000/api/checkout","status":500,"statusText":"Internal Server Error",\
                "mimeType":"application/json","headers":{"traceresponse":"00-%s-00f067aa0ba902b7-01"},"timing":{"receiveHeadersEnd":176.4}}}}"""
                .formatted(CHECKOUT_TRACE_ID), Map.of());
        send(at + 200, Source.BROWSER, "tab-1", """
                {"method":"Runtime.consoleAPICalled","params":{"type":"error","timestamp":%d,\
                "args":[{"type":"string","value":"Checkout failed: password does not meet the new policy (trace %s)"}]}}"""
                .formatted(millis(at + 200), CHECKOUT_TRACE_ID), Map.of());
    }

    /**
     * The API's server span of the failed checkout, as its OpenTelemetry SDK exports it through the
     * Collector's Kafka exporter (OTLP/JSON): it joins the browser's request by trace id and tells
     * which commit the API runs. It ends when the response is sent, after the error it reports.
     */
    private void checkoutSpan(long startAt, long endAt) {
        send(endAt, topics.input(RawInput.OTLP_SPANS), null, """
                {"resourceSpans":[{"resource":{"attributes":[\
                {"key":"service.name","value":{"stringValue":"shop-api"}},\
                {"key":"vcs.repository.url.full","value":{"stringValue":"https://github.com/%s"}},\
                {"key":"vcs.ref.head.name","value":{"stringValue":"main"}},\
                {"key":"vcs.ref.head.revision","value":{"stringValue":"%s"}}]},\
                "scopeSpans":[{"scope":{"name":"@opentelemetry/instrumentation-http","version":"0.57.0"},"spans":[{\
                "traceId":"%s","spanId":"5e1d2c3b4a596877","parentSpanId":"00f067aa0ba902b7","name":"POST /api/checkout","kind":2,\
                "startTimeUnixNano":"%d","endTimeUnixNano":"%d","attributes":[\
                {"key":"http.request.method","value":{"stringValue":"POST"}},\
                {"key":"http.route","value":{"stringValue":"/api/checkout"}},\
                {"key":"http.response.status_code","value":{"intValue":"500"}}],\
                "status":{"code":2,"message":"password policy rejected the request"}}]}]}]}"""
                .formatted(REPO, TIGHTEN, CHECKOUT_TRACE_ID, millis(startAt) * 1_000_000, millis(endAt) * 1_000_000), Map.of());
    }

    /** A shopper's checkout call without tracing: the browser's request and response. */
    private void checkout(long at, String requestId, int status, double millis) {
        send(at, Source.BROWSER, "tab-2", """
                {"method":"Network.requestWillBeSent","params":{"requestId":"%s","wallTime":%s,"type":"Fetch",\
                "documentURL":"http://localhost:3000/checkout","request":{"url":"http://localhost:3000/api/checkout","method":"POST",\
                "headers":{}}}}""".formatted(requestId, millis(at) / 1000.0), Map.of());
        send(at + (long) millis, Source.BROWSER, "tab-2", """
                {"method":"Network.responseReceived","params":{"requestId":"%s","timestamp":%s,"type":"Fetch",\
                "response":{"url":"http://localhost:3000/api/checkout","status":%d,"statusText":"%s","mimeType":"application/json",\
                "headers":{},"timing":{"receiveHeadersEnd":%s}}}}"""
                .formatted(requestId, (at + millis) / 1000.0, status, status == 200 ? "OK" : "Internal Server Error", millis), Map.of());
    }

    private void spotChurn(long at) {
        String[] instances = {"i-0e2e0000000000001", "i-0e2e0000000000002", "i-0e2e0000000000003"};
        long[] launched = {at, at + 4 * MIN, at + 12 * MIN};
        long[] interrupted = {at + 3 * MIN, at + 11 * MIN, at + 21 * MIN};
        for (int i = 0; i < instances.length; i++) {
            runner(launched[i], "launched", instances[i], "spot", null);
            send(interrupted[i], Source.CI, "aws-events", """
                    {"version":"0","id":"7f2a1c3e-1111-2222-3333-44445555666%d","detail-type":"EC2 Spot Instance Interruption Warning",\
                    "source":"aws.ec2","account":"123456789012","time":"%s","region":"eu-west-1",\
                    "resources":["arn:aws:ec2:eu-west-1b:instance/%s"],\
                    "detail":{"instance-id":"%s","instance-action":"terminate"}}"""
                    .formatted(i, seconds(interrupted[i]), instances[i], instances[i]), Map.of());
            runner(interrupted[i] + 2 * MIN, "terminated", instances[i], "spot", "spot-interruption");
        }
    }

    private void runner(long at, String event, String instance, String lifecycle, String reason) {
        send(at, Source.CI, "runner-autoscaler", """
                {"type":"runner.%s","instance_id":"%s","instance_type":"c6i.large","lifecycle":"%s","hourly_price_usd":%s,\
                "region":"eu-west-1","availability_zone":"eu-west-1b","runner_name":"braid-runner-%s","job_id":%s,%s"time":"%s"}"""
                .formatted(event, instance, lifecycle, lifecycle.equals("spot") ? "0.0376" : "0.085", instance, E2E_JOB_ID,
                        reason == null ? "" : "\"reason\":\"" + reason + "\",", iso(at)), Map.of());
    }

    private void workflowJob(long at, String id, String name, String conclusion) {
        send(at, Source.CI, "github", """
                {"action":"completed","workflow_job":{"id":%s,"run_id":7001,"run_attempt":1,"name":"%s","status":"completed",\
                "conclusion":"%s","created_at":"%s","started_at":"%s","completed_at":"%s","workflow_name":"CI","head_branch":"main",\
                "head_sha":"%s","runner_name":"braid-runner","labels":["self-hosted","spot"]},\
                "repository":{"full_name":"%s"}}"""
                .formatted(id, name, conclusion, seconds(at - 5 * MIN), seconds(at - 4 * MIN), seconds(at), TIGHTEN, REPO),
                Map.of("X-GitHub-Event", "workflow_job"));
    }

    private void agentRuns(long at) {
        agent(at, "task-checkout-fix-1", """
                "type":"task.attempt","attempt":1""");
        agent(at + MIN, "task-checkout-fix-1", """
                "type":"task.outcome","attempt":1,"outcome":"error","error":"tests still failing: checkout validates password\"""");
        for (int attempt = 1; attempt <= 6; attempt++) {
            agent(at + (1 + attempt) * MIN, LOOPING_TASK_ID, """
                    "type":"task.attempt","attempt":%d,"reason":"quality gate 'tests' rejected: %s\"""".formatted(attempt, BROKEN_TEST));
        }
        agent(at + 8 * MIN, LOOPING_TASK_ID, """
                "type":"task.outcome","attempt":6,"outcome":"success","summary":"allow symbols in the password policy regex; 2 tests pass\"""");
    }

    private void agent(long at, String task, String fields) {
        send(at, Source.AGENT, task, """
                {"time":"%s","task_id":"%s","signature":"fix-checkout-password","agent":"braid-fixer/0.4.2","repo":"%s","branch":"main",%s}"""
                .formatted(iso(at), task, REPO, fields), Map.of());
    }

    private void send(long at, Source source, String key, String value, Map<String, String> headers) {
        send(at, topics.raw(source), key, value, headers);
    }

    /** The Collector's exporter writes no key unless told to partition by trace id: {@code key} may be null. */
    private void send(long at, String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, millis(at),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        headers.forEach((name, header) -> record.headers().add(new RecordHeader(name, header.getBytes(StandardCharsets.UTF_8))));
        steps.add(new Step(at, record));
    }

    private long millis(long at) {
        return start + at;
    }

    private String iso(long at) {
        return Instant.ofEpochMilli(millis(at)).toString();
    }

    /** GitHub and AWS write whole seconds. */
    private String seconds(long at) {
        return Instant.ofEpochMilli(millis(at)).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
