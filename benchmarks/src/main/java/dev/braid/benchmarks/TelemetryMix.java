package dev.braid.benchmarks;

import dev.braid.schema.Source;
import dev.braid.testing.Fixtures;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * A deterministic, realistic mix of raw telemetry from all six sources, in the shapes the tools
 * write: every ten records are one user interaction (a browser request with its {@code traceparent},
 * its response and a Web Vital; pino, logback and Python lines of the services it reached, some
 * with an error and a stack; an agent's model call on the same trace) plus one record of the slower
 * sources in turn (a git commit, a failed CI job, a spot interruption, an agent attempt, a Jest
 * report). The slow sources trip failing-builds (three jobs of a repository fail within minutes),
 * spot-churn (each CI job loses three spot runners) and agent-loop (tasks run to seven attempts).
 */
final class TelemetryMix {

    /** One raw record: which raw topic, its key, value and shipper stamps. */
    record Raw(Source source, String key, byte[] value, Map<String, String> headers) {}

    private static final DateTimeFormatter PYTHON_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOGBACK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final String[] REPOS = {"acme/shop", "acme/payments", "acme/search"};
    private static final String[] CI_JOBS = {"build", "lint", "unit-tests", "e2e", "typecheck"};
    private static final String STACK = "\\n    at Cart.total (/app/src/cart.js:42:17)\\n    at Router.handle (/app/node_modules/express/lib/router/index.js:284:7)";

    private final ObjectMapper json = new ObjectMapper();
    private final ObjectNode workflowJob;
    private long sequence;

    TelemetryMix() {
        try {
            workflowJob = (ObjectNode) json.readTree(Fixtures.text("fixtures/ci/workflow_job-completed-failure.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next record of the mix, whose own time is {@code time} (epoch millis). */
    Raw next(long time) {
        long i = sequence++;
        long interaction = i / 10;
        String trace = "4bf92f3577b34da6" + String.format("%016x", interaction);
        String service = "api-" + interaction % 4;
        return switch ((int) (i % 10)) {
            case 0 -> browser(interaction, cdpRequest(interaction, trace, time));
            case 1 -> backend(service, pino(30, time, trace, "request received"));
            case 2 -> backend("orders", logback(time, trace, interaction));
            case 3 -> backend("payments", python(time, trace, interaction));
            case 4 -> browser(interaction, cdpResponse(interaction, time, interaction % 20 == 0 ? 500 : 200));
            case 5 -> browser(interaction, webVital(interaction));
            case 6 -> backend(service, interaction % 20 == 0 ? pinoError(time, trace) : pino(30, time, trace, "request completed"));
            case 7 -> agent(interaction, llmCall(interaction, trace, time));
            case 8 -> backend(service, pino(20, time, trace, "cache lookup"));
            default -> slowSource(interaction, trace, time);
        };
    }

    private Raw slowSource(long interaction, String trace, long time) {
        long turn = interaction / 5;
        return switch ((int) (interaction % 5)) {
            case 0 -> new Raw(Source.GIT, "hook", utf8(commit(turn, time)), Map.of("braid.repo", REPOS[(int) (turn % 3)]));
            case 1 -> new Raw(Source.CI, "github", utf8(failedJob(turn, time)), Map.of());
            case 2 -> new Raw(Source.CI, "runners", utf8(spotInterruption(turn, time)), Map.of());
            case 3 -> agent(interaction, taskAttempt(turn, trace, time));
            default -> new Raw(Source.TEST, "jest", utf8(jestReport(turn, time)),
                    Map.of("braid.repo", REPOS[(int) (turn % 3)], "braid.branch", "main", "braid.run-id", "run-" + turn));
        };
    }

    private static Raw browser(long interaction, String value) {
        return new Raw(Source.BROWSER, "tab-" + interaction % 8, utf8(value), Map.of("braid.session", "s-" + interaction % 8));
    }

    private static Raw backend(String service, String value) {
        return new Raw(Source.BACKEND, service, utf8(value), Map.of("braid.service", service));
    }

    private static Raw agent(long interaction, String value) {
        return new Raw(Source.AGENT, "agent-" + interaction % 4, utf8(value), Map.of());
    }

    private static String cdpRequest(long interaction, String trace, long time) {
        return "{\"method\":\"Network.requestWillBeSent\",\"params\":{\"requestId\":\"" + interaction + ".1\",\"loaderId\":\"L" + interaction
                + "\",\"documentURL\":\"http://localhost:3000/cart\",\"request\":{\"url\":\"http://localhost:3000/api/cart/" + interaction % 500
                + "/total?currency=EUR\",\"method\":\"POST\",\"headers\":{\"Accept\":\"application/json\",\"Content-Type\":\"application/json\","
                + "\"traceparent\":\"00-" + trace + "-00f067aa0ba902b7-01\"},\"postData\":\"{\\\"items\\\":3}\",\"initialPriority\":\"High\","
                + "\"referrerPolicy\":\"strict-origin-when-cross-origin\"},\"timestamp\":" + (time % 100_000_000) / 1000.0
                + ",\"wallTime\":" + time / 1000.0 + ",\"initiator\":{\"type\":\"script\"},\"type\":\"Fetch\",\"frameId\":\"F1\"}}";
    }

    private static String cdpResponse(long interaction, long time, int status) {
        return "{\"method\":\"Network.responseReceived\",\"params\":{\"requestId\":\"" + interaction + ".1\",\"loaderId\":\"L" + interaction
                + "\",\"timestamp\":" + (time % 100_000_000) / 1000.0 + ",\"type\":\"Fetch\",\"response\":{\"url\":\"http://localhost:3000/api/cart/"
                + interaction % 500 + "/total?currency=EUR\",\"status\":" + status + ",\"statusText\":\"" + (status == 200 ? "OK" : "Internal Server Error")
                + "\",\"headers\":{\"content-type\":\"application/json\",\"x-request-id\":\"req-" + interaction + "\"},\"mimeType\":\"application/json\","
                + "\"connectionReused\":true,\"remoteIPAddress\":\"127.0.0.1\",\"remotePort\":3000,\"encodedDataLength\":412,"
                + "\"timing\":{\"requestTime\":" + (time % 100_000_000) / 1000.0 + ",\"receiveHeadersEnd\":38.2},\"protocol\":\"http/1.1\"},\"frameId\":\"F1\"}}";
    }

    private static String webVital(long interaction) {
        double value = 1800 + interaction % 1500;
        return "{\"name\":\"LCP\",\"value\":" + value + ",\"rating\":\"" + (value > 2500 ? "needs-improvement" : "good") + "\",\"delta\":" + value
                + ",\"entries\":[],\"id\":\"v5-" + interaction + "\",\"navigationType\":\"navigate\"}";
    }

    private static String pino(int level, long time, String trace, String message) {
        return "{\"level\":" + level + ",\"time\":" + time + ",\"pid\":7,\"hostname\":\"api-7f9c\",\"trace_id\":\"" + trace
                + "\",\"span_id\":\"00f067aa0ba902b7\",\"req\":{\"id\":42,\"method\":\"POST\",\"url\":\"/api/cart/total\"},\"msg\":\"" + message + "\"}";
    }

    private static String pinoError(long time, String trace) {
        return "{\"level\":50,\"time\":" + time + ",\"pid\":7,\"hostname\":\"api-7f9c\",\"trace_id\":\"" + trace
                + "\",\"err\":{\"type\":\"TypeError\",\"message\":\"Cannot read properties of undefined (reading 'price')\",\"stack\":\"TypeError: "
                + "Cannot read properties of undefined (reading 'price')" + STACK + "\"},\"msg\":\"cart total failed\"}";
    }

    private static String logback(long time, String trace, long interaction) {
        return LOGBACK_TIME.format(Instant.ofEpochMilli(time)) + " [http-nio-8080-exec-" + interaction % 10
                + "] INFO  c.a.shop.orders.OrderService - order " + interaction + " priced trace_id=" + trace;
    }

    private static String python(long time, String trace, long interaction) {
        return PYTHON_TIME.format(Instant.ofEpochMilli(time)) + " " + (interaction % 10 == 0 ? "WARNING" : "INFO")
                + " payments.gateway charge " + interaction + " authorised in 41 ms trace_id=" + trace;
    }

    private static String llmCall(long interaction, String trace, long time) {
        return "{\"type\":\"llm.call\",\"time\":\"" + Instant.ofEpochMilli(time) + "\",\"task_id\":\"task-" + interaction / 50
                + "\",\"signature\":\"fix-cart-" + interaction / 50 + "\",\"attempt\":1,\"agent\":\"braid-fixer/0.4.2\",\"trace_id\":\"" + trace
                + "\",\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-5\",\"tokens_in\":18432,\"tokens_out\":1210,\"latency_ms\":8204}";
    }

    /** Seven attempts per task: the sixth makes it a loop. */
    private static String taskAttempt(long turn, String trace, long time) {
        return "{\"type\":\"task.attempt\",\"time\":\"" + Instant.ofEpochMilli(time) + "\",\"task_id\":\"task-" + turn / 7
                + "\",\"signature\":\"fix-cart-" + turn / 7 + "\",\"attempt\":" + (turn % 7 + 1) + ",\"agent\":\"braid-fixer/0.4.2\",\"trace_id\":\""
                + trace + "\",\"repo\":\"" + REPOS[(int) (turn % 3)] + "\",\"branch\":\"agent/fix-cart\",\"reason\":\"tests still failing\"}";
    }

    private static String commit(long turn, long time) {
        return "{\"type\":\"git.commit\",\"repo\":\"" + REPOS[(int) (turn % 3)] + "\",\"branch\":\"main\",\"sha\":\"" + String.format("%040x", turn + 1)
                + "\",\"parents\":[\"" + String.format("%040x", turn) + "\"],\"author\":{\"name\":\"Dana\",\"email\":\"dana@acme.test\"},"
                + "\"time\":\"" + Instant.ofEpochMilli(time) + "\",\"message\":\"Fix cart total rounding (" + turn + ")\","
                + "\"files\":[{\"status\":\"M\",\"path\":\"src/cart.js\"},{\"status\":\"M\",\"path\":\"test/cart.test.js\"}]}";
    }

    /** The real webhook body of a failed job, renamed: a repository's five jobs fail in turn. */
    private String failedJob(long turn, long time) {
        ObjectNode body = workflowJob.deepCopy();
        ObjectNode job = (ObjectNode) body.get("workflow_job");
        job.put("id", 900_000 + turn).put("run_id", 5_000_000 + turn / 5).put("name", CI_JOBS[(int) (turn % 5)])
                .put("started_at", Instant.ofEpochMilli(time - 60_000).toString()).put("completed_at", Instant.ofEpochMilli(time).toString());
        ((ObjectNode) body.get("repository")).put("full_name", REPOS[(int) (turn / 5 % 3)]);
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each CI job loses three spot runners in a row, then the next job's turn comes. */
    private static String spotInterruption(long turn, long time) {
        return "{\"type\":\"runner.terminated\",\"instance_id\":\"i-" + String.format("%017x", turn) + "\",\"instance_type\":\"c6i.large\","
                + "\"lifecycle\":\"spot\",\"hourly_price_usd\":0.0376,\"region\":\"us-east-2\",\"availability_zone\":\"us-east-2b\","
                + "\"runner_name\":\"braid-runner-" + turn + "\",\"job_id\":" + (700_000 + turn / 3) + ",\"reason\":\"spot-interruption\",\"time\":" + time + "}";
    }

    private static String jestReport(long turn, long time) {
        boolean failed = turn % 2 == 0;
        return "{\"numFailedTestSuites\":" + (failed ? 1 : 0) + ",\"numFailedTests\":" + (failed ? 1 : 0) + ",\"numPassedTests\":2,"
                + "\"numTotalTests\":3,\"startTime\":" + (time - 2_000) + ",\"success\":" + !failed + ",\"testResults\":[{\"assertionResults\":["
                + assertion("adds item prices", "passed", null) + "," + assertion("applies the discount", "passed", null) + ","
                + assertion("rounds the total", failed ? "failed" : "passed", failed ? "expect(received).toBe(expected)\\n\\nExpected: 10.5\\nReceived: 10.49" : null)
                + "],\"endTime\":" + time + ",\"message\":\"\",\"name\":\"/repo/test/cart.test.js\",\"startTime\":" + (time - 1_500)
                + ",\"status\":\"" + (failed ? "failed" : "passed") + "\",\"summary\":\"\"}]}";
    }

    private static String assertion(String title, String status, String failure) {
        return "{\"ancestorTitles\":[\"cart\"],\"duration\":3,\"failureMessages\":[" + (failure == null ? "" : "\"" + failure + "\"")
                + "],\"fullName\":\"cart " + title + "\",\"status\":\"" + status + "\",\"title\":\"" + title + "\"}";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
