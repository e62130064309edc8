package dev.braid.detect.baseline;

import dev.braid.detect.rules.RuleSchema;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.detect.rules.StateRule;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.time.Duration;

/**
 * Baseline regression (seed 000): the job keeps what "normal" looks like (per test, endpoint,
 * page and error signature), a savepoint of it is a named baseline, and {@code braid analyze
 * regression} compares a baseline with a later state using this rule's thresholds.
 *
 * <p>The state is cumulative plus recent event-time buckets, so that the analysis can compare a
 * baseline with only what came after it, not with everything since the job started.
 */
public final class BaselineRegression implements StateRule {

    private static final long serialVersionUID = 1L;

    public static final String RULE = "baseline-regression";

    @Override
    public RuleSchema schema() {
        return RuleSchema.of(RULE)
                .families("regressions")
                .keys("subject")
                .duration("bucket", Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofMinutes(5),
                        "width of the recent event-time buckets latencies and Web Vitals are kept in")
                .count("buckets", 1, 1_000, 12, "recent buckets kept per endpoint and Web Vital")
                .duration("forget-after", Duration.ofHours(1), Duration.ofDays(365), Duration.ofDays(30),
                        "a test, endpoint, page or error signature not seen for this long is forgotten")
                .count("latency-worse-percent", 1, 1_000, 20, "p95 latency increase over the baseline that is a regression")
                .count("error-rate-worse-points", 1, 100, 5, "error-rate increase in percentage points that is a regression")
                .count("vital-worse-percent", 1, 1_000, 20, "Web Vital p75 increase over the baseline that is a regression")
                .count("min-samples", 1, 100_000, 5, "measurements needed on both sides before an endpoint or page is compared")
                .build();
    }

    @Override
    public void keep(DataStream<NormalizedEvent> events, RuleSpec spec) {
        Buckets buckets = new Buckets(spec.duration("bucket").toMillis(), spec.count("buckets"));
        Duration forgetAfter = spec.duration("forget-after");
        DataStream<NormalizedEvent> exchanges = events
                .filter(PairExchanges::selects).uid(BaselineState.PAIR_EXCHANGES_UID + "-select").name("browser requests and outcomes")
                .keyBy(PairExchanges::key, Types.STRING)
                .process(new PairExchanges(), new AvroTypeInfo<>(NormalizedEvent.class))
                .uid(BaselineState.PAIR_EXCHANGES_UID).name("pair requests with outcomes");
        keep(events, new TestBaseline(), forgetAfter);
        keep(exchanges, new EndpointBaseline(buckets), forgetAfter);
        keep(events, new PageBaseline(buckets), forgetAfter);
        keep(events, new ErrorBaseline(), forgetAfter);
    }

    private static <S> void keep(DataStream<NormalizedEvent> events, Tracked<S> tracked, Duration forgetAfter) {
        String name = tracked.type().getSimpleName();
        events.filter(tracked::selects).uid(tracked.uid() + "-select").name(name + " events")
                .keyBy(tracked::key, Types.STRING)
                .transform("keep " + name, Types.VOID, new KeepStats<>(tracked, forgetAfter)).uid(tracked.uid())
                // State is read from savepoints, not emitted; the sink keeps the operator in the graph.
                .sinkTo(new DiscardingSink<>()).uid(tracked.uid() + "-end").name(name + " kept");
    }
}
