package dev.braid.normalize;

import dev.braid.connectors.EventTimeWatermarks;
import dev.braid.connectors.RawInput;
import dev.braid.connectors.RawRecord;
import dev.braid.normalize.functions.CompleteFailedRequests;
import dev.braid.normalize.functions.Deduplicate;
import dev.braid.normalize.functions.MergeStackTraces;
import dev.braid.normalize.functions.ParseRawRecord;
import dev.braid.normalize.functions.RejoinDockerLines;
import dev.braid.normalize.parse.otlp.OtlpParsers;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The normalize job's dataflow, wired once for production and tests alike:
 *
 * <pre>
 * raw backend ─ rejoin Docker lines ─┐
 * other raw sources, OTLP spans/logs ┴─ parse ─┬─ backend log lines ─ merge stack traces ──┬─ deduplicate ─ events sink
 *                                              ├─ browser requests ─ complete failures ──┤
 *                                              ├─ other sources, OTLP events ────────────┘
 *                                              └─ deduplicate dead letters ─ dead letters sink
 * </pre>
 *
 * <p>Time in this job is the raw records' Kafka timestamps, the time each was shipped, with
 * watermarks per Kafka partition and idleness: the only timers here hold a log line back until its
 * stream moves on, and shipping time orders one stream while the six sources' own clocks disagree.
 * Each event's own time is settled against its record's (see {@code EventClock}) and carried to
 * the jobs downstream, which reason in it.
 */
public final class NormalizePipeline {

    /** Stable operator ids: savepoints of released versions map state by these. Never change one. */
    public static final class Uids {
        public static final String REJOIN_DOCKER_LINES = "normalize-rejoin-docker-lines";
        public static final String PARSE = "normalize-parse";
        public static final String SPLIT_BACKEND = "normalize-backend-logs";
        public static final String SPLIT_OTHERS = "normalize-other-sources";
        public static final String SPLIT_BROWSER_REQUESTS = "normalize-browser-requests";
        public static final String COMPLETE_FAILED_REQUESTS = "normalize-complete-failed-requests";
        public static final String MERGE_STACK_TRACES = "normalize-merge-stack-traces";
        public static final String DEDUPLICATE = "normalize-deduplicate";
        public static final String DEDUPLICATE_DEAD_LETTERS = "normalize-deduplicate-dead-letters";
        public static final String EVENTS_SINK = "normalize-events-sink";
        public static final String DEAD_LETTERS_SINK = "normalize-dead-letters-sink";

        public static String source(RawInput input) {
            return "normalize-source-" + input.name().toLowerCase();
        }

        private Uids() {}
    }

    /** How long a browser request's start is kept for its failure: longer than any request but a long poll. */
    private static final Duration REQUEST_MEMORY = Duration.ofHours(1);

    private static final AvroTypeInfo<NormalizedEvent> EVENT_TYPE = new AvroTypeInfo<>(NormalizedEvent.class);

    private NormalizePipeline() {}

    public static void define(
            StreamExecutionEnvironment env,
            NormalizeConfig config,
            Map<RawInput, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> sources,
            Sink<NormalizedEvent> eventsSink,
            Sink<DeadLetter> deadLettersSink) {
        SingleOutputStreamOperator<NormalizedEvent> parsed = union(env, config, sources)
                .process(new ParseRawRecord(config.maxRecordBytes(), config.maxTimeAhead()), EVENT_TYPE)
                .uid(Uids.PARSE).name("parse");

        DataStream<NormalizedEvent> backendLogs = parsed
                .filter(NormalizePipeline::isBackendLine).uid(Uids.SPLIT_BACKEND).name("backend logs")
                .keyBy(NormalizePipeline::producerStream, Types.STRING)
                .process(new MergeStackTraces(config.outOfOrderness()), EVENT_TYPE)
                .uid(Uids.MERGE_STACK_TRACES).name("merge stack traces");

        DataStream<NormalizedEvent> browserRequests = parsed
                .filter(CompleteFailedRequests::isRequestLifecycle).uid(Uids.SPLIT_BROWSER_REQUESTS)
                .name("browser requests")
                .keyBy(event -> producerStream(event) + '/' + CompleteFailedRequests.requestId(event), Types.STRING)
                .process(new CompleteFailedRequests(REQUEST_MEMORY), EVENT_TYPE)
                .uid(Uids.COMPLETE_FAILED_REQUESTS).name("complete failed requests");

        DataStream<NormalizedEvent> others = parsed
                .filter(event -> !isBackendLine(event) && !CompleteFailedRequests.isRequestLifecycle(event))
                .uid(Uids.SPLIT_OTHERS).name("other sources");

        backendLogs.union(browserRequests, others)
                .keyBy(NormalizedEvent::getId, Types.STRING)
                .process(new Deduplicate<>(config.dedupTtl()), EVENT_TYPE)
                .uid(Uids.DEDUPLICATE).name("deduplicate")
                .sinkTo(eventsSink).uid(Uids.EVENTS_SINK).name("events");

        parsed.getSideOutput(ParseRawRecord.DEAD_LETTERS)
                .keyBy(DeadLetter::getId, Types.STRING)
                .process(new Deduplicate<>(config.dedupTtl()), new AvroTypeInfo<>(DeadLetter.class))
                .uid(Uids.DEDUPLICATE_DEAD_LETTERS).name("deduplicate dead letters")
                .sinkTo(deadLettersSink).uid(Uids.DEAD_LETTERS_SINK).name("dead letters");
    }

    private static DataStream<RawRecord> union(
            StreamExecutionEnvironment env,
            NormalizeConfig config,
            Map<RawInput, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> sources) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("the normalize job needs at least one raw source");
        }
        WatermarkStrategy<RawRecord> shippingTime = EventTimeWatermarks.boundedWithIdleness(config.outOfOrderness(),
                config.idleness(), (raw, kafkaTimestamp) -> raw.timestamp);
        DataStream<RawRecord> all = null;
        for (Map.Entry<RawInput, org.apache.flink.api.connector.source.Source<RawRecord, ?, ?>> entry : sources.entrySet()) {
            DataStream<RawRecord> stream = env
                    .fromSource(entry.getValue(), shippingTime, "raw " + entry.getKey().name().toLowerCase().replace('_', ' '))
                    .uid(Uids.source(entry.getKey()));
            if (entry.getKey() == RawInput.BACKEND) {
                stream = rejoinDockerLines(stream, config);
            }
            all = all == null ? stream : all.union(stream);
        }
        return all;
    }

    /** Parts of one long container line share topic, partition and key, and so meet in one key group. */
    private static DataStream<RawRecord> rejoinDockerLines(DataStream<RawRecord> backend, NormalizeConfig config) {
        return backend
                .keyBy(raw -> raw.topic + '/' + raw.partition + '/'
                        + (raw.key == null ? "" : new String(raw.key, StandardCharsets.UTF_8)), Types.STRING)
                .transform("rejoin docker lines", TypeInformation.of(RawRecord.class),
                        new RejoinDockerLines(config.outOfOrderness(), config.maxRecordBytes()))
                .uid(Uids.REJOIN_DOCKER_LINES);
    }

    /** A line of a text log, which may continue on the next: OpenTelemetry's records are whole, stack traces included. */
    private static boolean isBackendLine(NormalizedEvent event) {
        return event.getSource() == Source.BACKEND && !OtlpParsers.produced(event);
    }

    /** Lines of one file or process share topic, partition and key, and so meet in one key group. */
    private static String producerStream(NormalizedEvent event) {
        Map<String, String> metadata = event.getMetadata();
        return metadata.get("raw.topic") + '/' + metadata.get("raw.partition") + '/' + metadata.getOrDefault("raw.key", "");
    }
}
