package dev.braid.correlate;

import dev.braid.connectors.EventTimeWatermarks;
import dev.braid.correlate.functions.AssembleTraces;
import dev.braid.correlate.functions.AttributeCommits;
import dev.braid.correlate.functions.BoundTraceSize;
import dev.braid.correlate.functions.BundleErrors;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The correlate job's dataflow, wired once for production and tests alike:
 *
 * <pre>
 * events ─┬─ with trace id ─ keyBy(trace) ─ assemble traces ─┬──────────────┐
 *         ├─ without trace id ─ keyBy(session|service|repo) ─ bundle errors ─┤
 *         │                                   errors too late to anchor ─ late events sink
 *         └─ commits and test results ─ keyBy(repo|branch) ──────────── attribute commits ─ size bound ─ traces sink
 * </pre>
 */
public final class CorrelatePipeline {

    /** Stable operator ids: savepoints map state by these. Never change one. */
    public static final class Uids {
        public static final String EVENTS_SOURCE = "correlate-events-source";
        public static final String WITH_TRACE_ID = "correlate-with-trace-id";
        public static final String WITHOUT_TRACE_ID = "correlate-without-trace-id";
        public static final String HISTORY = "correlate-commit-history";
        public static final String ASSEMBLE_TRACES = "correlate-assemble-traces";
        public static final String BUNDLE_ERRORS = "correlate-bundle-errors";
        public static final String ATTRIBUTE_COMMITS = "correlate-attribute-commits";
        public static final String SIZE_BOUND = "correlate-size-bound";
        public static final String TRACES_SINK = "correlate-traces-sink";
        public static final String LATE_EVENTS_SINK = "correlate-late-events-sink";

        private Uids() {}
    }

    private static final AvroTypeInfo<CorrelatedTrace> TRACE_TYPE = new AvroTypeInfo<>(CorrelatedTrace.class);

    private CorrelatePipeline() {}

    public static void define(
            StreamExecutionEnvironment env,
            CorrelateConfig config,
            Source<NormalizedEvent, ?, ?> eventsSource,
            Sink<CorrelatedTrace> tracesSink,
            Sink<NormalizedEvent> lateEventsSink) {
        DataStream<NormalizedEvent> events = env
                .fromSource(eventsSource, EventTimeWatermarks.<NormalizedEvent>boundedWithIdleness(config.outOfOrderness(),
                                config.idleness(), (event, kafkaTimestamp) -> event.getEventTime().toEpochMilli()),
                        "events", new AvroTypeInfo<>(NormalizedEvent.class))
                .uid(Uids.EVENTS_SOURCE);

        DataStream<CorrelatedTrace> traces = events
                .filter(event -> event.getTraceId() != null).uid(Uids.WITH_TRACE_ID).name("with trace id")
                .keyBy(NormalizedEvent::getTraceId, Types.STRING)
                .process(new AssembleTraces(config.inactivityGap(), config.maxDuration(), config.allowedLateness(),
                        config.traceQuiet(), config.stateTtl()), TRACE_TYPE)
                .uid(Uids.ASSEMBLE_TRACES).name("assemble traces");

        SingleOutputStreamOperator<CorrelatedTrace> bundles = events
                .filter(event -> event.getTraceId() == null && BundleErrors.bundleable(event))
                .uid(Uids.WITHOUT_TRACE_ID).name("without trace id")
                .keyBy(BundleErrors::bundleKey, Types.STRING)
                .process(new BundleErrors(config.bundleWindow(), config.bundleQuiet(), config.stateTtl()), TRACE_TYPE)
                .uid(Uids.BUNDLE_ERRORS).name("bundle errors");

        DataStream<NormalizedEvent> history = events
                .filter(CorrelatePipeline::isHistory).uid(Uids.HISTORY).name("commits and test results");

        history.connect(traces.union(bundles))
                .keyBy(AttributeCommits::historyKey, AttributeCommits::historyKey, Types.STRING)
                .process(new AttributeCommits(config.maxCommitsPerBranch(), config.historyTtl(), config.traceQuiet()), TRACE_TYPE)
                .uid(Uids.ATTRIBUTE_COMMITS).name("attribute commits")
                .map(new BoundTraceSize(config.maxTraceBytes()), TRACE_TYPE)
                .uid(Uids.SIZE_BOUND).name("size bound")
                .sinkTo(tracesSink).uid(Uids.TRACES_SINK).name("traces");

        bundles.getSideOutput(BundleErrors.UNBUNDLED_ERRORS)
                .sinkTo(lateEventsSink).uid(Uids.LATE_EVENTS_SINK).name("late events");
    }

    /** Commits and test results on a known repo and branch: what commit attribution learns from. */
    private static boolean isHistory(NormalizedEvent event) {
        String kind = event.getKind();
        return (kind.equals("git.commit") || kind.equals("test.result"))
                && event.getKeys().getRepo() != null && event.getKeys().getBranch() != null;
    }
}
