package dev.braid.detect;

import dev.braid.connectors.EventTimeWatermarks;
import dev.braid.detect.functions.AttributeInterruptions;
import dev.braid.detect.functions.TrackAlerts;
import dev.braid.detect.model.Finding;
import dev.braid.detect.rules.AlertRule;
import dev.braid.detect.rules.FixRule;
import dev.braid.detect.rules.ObservedEvents;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.detect.rules.RuleType;
import dev.braid.detect.rules.StateRule;
import dev.braid.detect.rules.Rules;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.Fix;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The detect job's dataflow, wired once for production and tests alike:
 *
 * <pre>
 * events ─┬─ spot warnings, runner records ─ keyBy(instance) ─ attribute interruptions ─┐
 *         └──────────────────────────────────────────────────────────────────────────────┴─ events and interruptions
 *
 * events and interruptions ─┬─ rule: select ─ keyBy(rule key) ─ run or flip ─ findings ──┐
 *                           ├─ ... one branch per detector of every enabled rule ...    ├─ keyBy(rule|key) ─ track alerts ─ one sink per family
 *                           ├─ test-regression: keyBy(repo|branch) ─ history ───────────┘
 *                           └─ error-to-success: keyBy(signature) ─ CEP pattern ─ fixes sink
 *
 * events ─┬─ test results ─ keyBy(repo|test) ─ keep TestStats ────────────┐
 *         ├─ browser requests ─ keyBy(request) ─ pair ─ keyBy(endpoint) ─ keep EndpointStats ─┤ state only: read from
 *         ├─ web vitals ─ keyBy(page) ─ keep PageVitals ───────────────────┤ savepoints by braid analyze
 *         └─ errors ─ keyBy(service|signature) ─ keep ErrorStats ──────────┘
 * </pre>
 *
 * <p>Each rule's operators carry uids derived from the rule id and detector name, so a threshold
 * change keeps every rule's state, and adding or removing a rule touches only its own. Threshold
 * rules keep a bounded run per key ({@code MatchRuns}), flaky-test the latest pass and failure
 * ({@code JudgeFlips}); error-to-success is a CEP pattern. Events that reach a run or the pattern
 * behind the watermark are counted in {@code lateEvents}.
 */
public final class DetectPipeline {

    /** Stable operator ids of the shared operators; rules derive theirs from their id. Never change one. */
    public static final class Uids {
        public static final String EVENTS_SOURCE = "detect-events-source";
        public static final String INSTANCE_RECORDS = "detect-instance-records";
        public static final String ATTRIBUTE_INTERRUPTIONS = "detect-attribute-interruptions";
        public static final String TRACK_ALERTS = "detect-track-alerts";
        public static final String FIXES_SINK = "detect-fixes-sink";

        public static String alertsFilter(AlertFamily family) {
            return "detect-alerts-" + name(family);
        }

        public static String alertsSink(AlertFamily family) {
            return "detect-alerts-" + name(family) + "-sink";
        }

        private static String name(AlertFamily family) {
            return family.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        private Uids() {}
    }

    private static final AvroTypeInfo<NormalizedEvent> EVENT_TYPE = new AvroTypeInfo<>(NormalizedEvent.class);

    private DetectPipeline() {}

    public static void define(
            StreamExecutionEnvironment env,
            DetectConfig config,
            Source<NormalizedEvent, ?, ?> eventsSource,
            Map<AlertFamily, Sink<Alert>> alertSinks,
            Sink<Fix> fixesSink) {
        DataStream<NormalizedEvent> events = env
                .fromSource(eventsSource, EventTimeWatermarks.<NormalizedEvent>boundedWithIdleness(config.outOfOrderness(),
                                config.idleness(), (event, kafkaTimestamp) -> event.getEventTime().toEpochMilli()),
                        "events", EVENT_TYPE)
                .uid(Uids.EVENTS_SOURCE);

        DataStream<NormalizedEvent> interruptions = events
                .filter(AttributeInterruptions::selects).uid(Uids.INSTANCE_RECORDS).name("spot warnings and runner records")
                .keyBy(AttributeInterruptions::instanceId, Types.STRING)
                .transform("attribute interruptions", EVENT_TYPE, AttributeInterruptions.operator())
                .uid(Uids.ATTRIBUTE_INTERRUPTIONS);
        ObservedEvents observed = new ObservedEvents(events, interruptions);

        List<DataStream<Finding>> findings = new ArrayList<>();
        List<DataStream<Fix>> fixes = new ArrayList<>();
        Map<String, RuleSpec> alertRules = new LinkedHashMap<>();
        for (RuleSpec spec : config.rules()) {
            RuleType type = Rules.type(spec.rule());
            if (type instanceof AlertRule rule) {
                findings.add(rule.detect(observed, spec));
                alertRules.put(spec.rule(), spec);
            } else if (type instanceof FixRule rule) {
                fixes.add(rule.detect(observed, spec));
            } else if (type instanceof StateRule rule) {
                rule.keep(events, spec);
            }
        }

        if (!findings.isEmpty()) {
            DataStream<Alert> alerts = union(findings)
                    .keyBy(TrackAlerts::alertKey, Types.STRING)
                    .process(new TrackAlerts(alertRules, config.idleness().multipliedBy(2)), new AvroTypeInfo<>(Alert.class))
                    .uid(Uids.TRACK_ALERTS).name("track alerts");
            for (AlertFamily family : AlertFamily.values()) {
                alerts.filter(alert -> alert.getFamily() == family).uid(Uids.alertsFilter(family)).name(family + " alerts")
                        .sinkTo(alertSinks.get(family)).uid(Uids.alertsSink(family)).name(family + " alerts sink");
            }
        }
        if (!fixes.isEmpty()) {
            union(fixes).sinkTo(fixesSink).uid(Uids.FIXES_SINK).name("fixes");
        }
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> first = streams.get(0);
        return streams.size() == 1 ? first : first.union(streams.subList(1, streams.size()).toArray(DataStream[]::new));
    }
}
