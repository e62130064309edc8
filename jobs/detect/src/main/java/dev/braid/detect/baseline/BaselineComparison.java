package dev.braid.detect.baseline;

import dev.braid.detect.baseline.Regression.Kind;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.schema.TestStatus;
import dev.braid.schema.baseline.Bucket;
import dev.braid.schema.baseline.EndpointStats;
import dev.braid.schema.baseline.ErrorStats;
import dev.braid.schema.baseline.PageVitals;
import dev.braid.schema.baseline.Series;
import dev.braid.schema.baseline.TestStats;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The regressions between a baseline and a later state, by the thresholds of the
 * {@code baseline-regression} rule. Latencies and Web Vitals compare the baseline's whole
 * distribution with only the buckets that started after the baseline's newest one, so a long
 * healthy history does not dilute a fresh regression.
 */
public final class BaselineComparison {

    private static final double LATENCY_QUANTILE = 0.95;
    /** Web Vitals are assessed at the 75th percentile of page loads (web.dev). */
    private static final double VITAL_QUANTILE = 0.75;

    private final int latencyWorsePercent;
    private final int errorRateWorsePoints;
    private final int vitalWorsePercent;
    private final int minSamples;

    public BaselineComparison(RuleSpec spec) {
        this.latencyWorsePercent = spec.count("latency-worse-percent");
        this.errorRateWorsePoints = spec.count("error-rate-worse-points");
        this.vitalWorsePercent = spec.count("vital-worse-percent");
        this.minSamples = spec.count("min-samples");
    }

    /** Every regression, tests first, then endpoints, pages and new errors, each by subject. */
    public List<Regression> regressions(BaselineSnapshot baseline, BaselineSnapshot now) {
        List<Regression> found = new ArrayList<>();
        found.addAll(failingTests(baseline.tests(), now.tests()));
        found.addAll(worseEndpoints(baseline.endpoints(), now.endpoints()));
        found.addAll(worseVitals(baseline.pages(), now.pages()));
        found.addAll(newErrors(baseline.errors(), now.errors()));
        return found;
    }

    private static List<Regression> failingTests(Map<String, TestStats> before, Map<String, TestStats> after) {
        return sorted(after.entrySet().stream()
                .filter(test -> before.containsKey(test.getKey()))
                .filter(test -> isRed(test.getValue()) && isGreen(before.get(test.getKey()))
                        && test.getValue().getLastTime().isAfter(before.get(test.getKey()).getLastTime()))
                .map(test -> failingTest(before.get(test.getKey()), test.getValue())));
    }

    private static Regression failingTest(TestStats then, TestStats now) {
        return new Regression(Kind.TEST_FAILING, "test|" + repo(now.getRepo()) + "|" + now.getTestId(),
                "test '" + now.getTestId() + "' passed in the baseline and fails now" + at(now.getLastCommit(), null),
                evidence("baseline", "passed " + then.getPassed() + ", failed " + then.getFailed() + "; last "
                                + then.getLastStatus() + at(then.getLastCommit(), then.getLastTime()),
                        "now", now.getLastStatus() + at(now.getLastCommit(), now.getLastTime())
                                + (now.getLastFailure() == null ? "" : ": " + now.getLastFailure())), then.getLastTime(), now.getLastTime(), List.of(then.getLastEventId(), now.getLastEventId()), List.of());
    }

    private List<Regression> worseEndpoints(Map<String, EndpointStats> before, Map<String, EndpointStats> after) {
        List<Regression> found = new ArrayList<>();
        for (Map.Entry<String, EndpointStats> endpoint : sortedByKey(after)) {
            EndpointStats then = before.get(endpoint.getKey());
            if (then == null) {
                continue;
            }
            EndpointStats now = endpoint.getValue();
            Since since = since(then.getLatency(), now.getLatency());
            String subject = "endpoint|" + now.getEndpoint();
            List<String> events = List.of(then.getLastEventId(), now.getLastEventId());
            List<String> traces = Stream.of(now.getLastTraceId()).filter(Objects::nonNull).toList();
            double p95Then = quantile(then.getLatency(), LATENCY_QUANTILE);
            double p95Now = since.quantile(LATENCY_QUANTILE);
            if (comparable(then.getLatency().getCount(), since.count) && worseBy(p95Then, p95Now, latencyWorsePercent)) {
                found.add(new Regression(Kind.SLOWER_ENDPOINT, subject,
                        now.getEndpoint() + ": p95 latency " + ms(p95Then) + " → " + ms(p95Now) + " (" + percent(p95Then, p95Now) + ")",
                        evidence("baseline", "p95 " + ms(p95Then) + " over " + then.getLatency().getCount() + " responses",
                                "now", "p95 " + ms(p95Now) + " over " + since.count + " responses since the baseline"),
                        since.from, since.to, events, traces));
            }
            double rateThen = rate(then.getLatency().getBad(), then.getLatency().getCount());
            double rateNow = rate(since.bad, since.count);
            if (since.count >= minSamples && (rateNow - rateThen) * 100 > errorRateWorsePoints) {
                found.add(new Regression(Kind.FAILING_ENDPOINT, subject,
                        now.getEndpoint() + ": error rate " + pct(rateThen) + " → " + pct(rateNow),
                        evidence("baseline", then.getLatency().getBad() + " of " + then.getLatency().getCount() + " failed or 5xx "
                                        + then.getStatusCodes(),
                                "now", since.bad + " of " + since.count + " failed or 5xx since the baseline"),
                        since.from, since.to, events, traces));
            }
        }
        return found;
    }

    private List<Regression> worseVitals(Map<String, PageVitals> before, Map<String, PageVitals> after) {
        List<Regression> found = new ArrayList<>();
        for (Map.Entry<String, PageVitals> page : sortedByKey(after)) {
            PageVitals then = before.get(page.getKey());
            if (then == null) {
                continue;
            }
            for (Map.Entry<String, Series> vital : sortedByKey(page.getValue().getVitals())) {
                Series thenSeries = then.getVitals().get(vital.getKey());
                if (thenSeries == null) {
                    continue;
                }
                Since since = since(thenSeries, vital.getValue());
                double p75Then = quantile(thenSeries, VITAL_QUANTILE);
                double p75Now = since.quantile(VITAL_QUANTILE);
                if (comparable(thenSeries.getCount(), since.count) && worseBy(p75Then, p75Now, vitalWorsePercent)) {
                    String name = vital.getKey();
                    found.add(new Regression(Kind.WORSE_WEB_VITAL, "page|" + page.getKey() + "|" + name,
                            page.getKey() + ": " + name + " p75 " + vitalValue(name, p75Then) + " → " + vitalValue(name, p75Now)
                                    + " (" + percent(p75Then, p75Now) + ")",
                            evidence("baseline", name + " p75 " + vitalValue(name, p75Then) + " over " + thenSeries.getCount()
                                            + " page loads, " + thenSeries.getBad() + " rated poor",
                                    "now", name + " p75 " + vitalValue(name, p75Now) + " over " + since.count
                                            + " page loads since the baseline, " + since.bad + " rated poor"),
                            since.from, since.to, List.of(then.getLastEventId(), page.getValue().getLastEventId()), List.of()));
                }
            }
        }
        return found;
    }

    private static List<Regression> newErrors(Map<String, ErrorStats> before, Map<String, ErrorStats> after) {
        return sorted(after.entrySet().stream()
                .filter(error -> !before.containsKey(error.getKey()))
                .map(error -> newError(error.getValue())));
    }

    private static Regression newError(ErrorStats error) {
        return new Regression(Kind.NEW_ERROR, "error|" + error.getService() + "|" + error.getSignature(),
                error.getService() + ": new error '" + error.getSignature() + "'",
                evidence("occurrences", error.getCount() + " between " + error.getFirstTime() + " and " + error.getLastTime(),
                        "example", error.getExample()),
                error.getFirstTime(), error.getLastTime(),
                error.getFirstEventId().equals(error.getLastEventId())
                        ? List.of(error.getFirstEventId()) : List.of(error.getFirstEventId(), error.getLastEventId()),
                Stream.of(error.getLastTraceId()).filter(Objects::nonNull).toList());
    }

    /** What a series received after the baseline's newest bucket: whole buckets only. */
    private record Since(long count, long bad, List<ByteBuffer> sketches, Instant from, Instant to) {
        double quantile(double q) {
            return Sketches.quantile(sketches, q);
        }
    }

    private static Since since(Series then, Series now) {
        Instant last = then.getRecent().isEmpty() ? Instant.MIN : then.getRecent().get(then.getRecent().size() - 1).getStart();
        List<Bucket> after = now.getRecent().stream().filter(bucket -> bucket.getStart().isAfter(last)).toList();
        return new Since(
                after.stream().mapToLong(Bucket::getCount).sum(),
                after.stream().mapToLong(Bucket::getBad).sum(),
                after.stream().map(Bucket::getSketch).toList(),
                after.isEmpty() ? null : after.get(0).getStart(),
                after.isEmpty() ? null : after.get(after.size() - 1).getStart());
    }

    /** Two facts, in the order they read best. */
    private static Map<String, String> evidence(String firstName, String first, String secondName, String second) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put(firstName, first);
        evidence.put(secondName, second);
        return evidence;
    }

    private boolean comparable(long before, long after) {
        return before >= minSamples && after >= minSamples;
    }

    private static boolean worseBy(double then, double now, int percent) {
        return !Double.isNaN(then) && !Double.isNaN(now) && now > then * (1 + percent / 100.0);
    }

    private static double quantile(Series series, double q) {
        return Sketches.quantile(List.of(series.getSketch()), q);
    }

    private static boolean isRed(TestStats test) {
        return test.getLastStatus().equals(TestStatus.FAILED.name()) || test.getLastStatus().equals(TestStatus.ERROR.name());
    }

    private static boolean isGreen(TestStats test) {
        return test.getLastStatus().equals(TestStatus.PASSED.name()) || test.getLastStatus().equals(TestStatus.XFAIL.name());
    }

    private static List<Regression> sorted(Stream<Regression> regressions) {
        return regressions.sorted(Comparator.comparing(Regression::subject)).toList();
    }

    private static <V> List<Map.Entry<String, V>> sortedByKey(Map<String, V> map) {
        return map.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
    }

    private static double rate(long bad, long count) {
        return count == 0 ? 0 : (double) bad / count;
    }

    private static String at(String commit, Instant time) {
        return (commit == null ? "" : " on commit " + commit) + (time == null ? "" : " at " + time);
    }

    private static String repo(String repo) {
        return repo == null ? "" : repo;
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.0f ms", millis);
    }

    private static String pct(double rate) {
        return String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }

    private static String percent(double then, double now) {
        return String.format(Locale.ROOT, "%+.0f %%", (now / then - 1) * 100);
    }

    /** CLS is a unitless score; the other vitals are milliseconds. */
    private static String vitalValue(String name, double value) {
        return name.equals("CLS") ? String.format(Locale.ROOT, "%.3f", value) : ms(value);
    }
}
