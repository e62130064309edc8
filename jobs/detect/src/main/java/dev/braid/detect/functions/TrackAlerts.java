package dev.braid.detect.functions;

import dev.braid.detect.model.Finding;
import dev.braid.detect.model.FindingAction;
import dev.braid.detect.rules.Findings;
import dev.braid.detect.rules.RuleSpec;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.AlertStatus;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Turns the findings of every rule into alerts with a life: the first FIRE of a rule and key opens
 * an alert, later ones update it (same id, next revision, evidence merged), and a CLEAR or
 * {@code resolve-after} of quiet event time resolves it. So a job that keeps looping updates one
 * alert instead of raising one per interruption.
 *
 * <p>Keyed by "rule|key". Findings are applied in event-time order once the watermark passes them.
 * In a lull no watermark comes (every partition idle holds the last one), so a finding still
 * waiting {@code lullWait} of wall time after it arrived is applied then, with those waiting with
 * it, in event-time order, and counted in {@value #FINDINGS_APPLIED_IN_LULL}: a rule that judges on
 * arrival alerts although the input went quiet right after. The state is the open alert itself,
 * cleared when it resolves, and the findings waiting; a timer at the alert's last event time plus
 * {@code resolve-after} bounds it.
 */
public final class TrackAlerts extends KeyedProcessFunction<String, Finding, Alert> {

    private static final long serialVersionUID = 1L;

    static final int MAX_EVIDENCE = 50;
    static final int MAX_TRACES = 20;
    /** Findings that waited in a savepoint for a rule the restored job no longer runs. */
    public static final String FINDINGS_OF_REMOVED_RULES = "findingsOfRemovedRules";
    /** Metric, in a group {@code rule=<rule>}: alert revisions published (opened, updated, resolved). */
    public static final String ALERTS_PUBLISHED = "alertsPublished";
    /** Findings applied by wall time because no watermark passed them. */
    public static final String FINDINGS_APPLIED_IN_LULL = "findingsAppliedInLull";

    private static final long SECOND = 1000;

    private final Map<String, RuleSpec> rules;
    private final long lullWait;
    private transient ValueState<Alert> open;
    private transient MapState<Long, List<Finding>> pending;
    private transient Counter findingsOfRemovedRules;
    private transient Counter findingsAppliedInLull;
    private transient Map<String, Counter> alertsPublished;

    public TrackAlerts(Map<String, RuleSpec> rules, Duration lullWait) {
        this.rules = Map.copyOf(rules);
        this.lullWait = lullWait.toMillis();
    }

    public static String alertKey(Finding finding) {
        return finding.getRule() + '|' + finding.getKey();
    }

    @Override
    public void open(OpenContext openContext) {
        open = getRuntimeContext().getState(new ValueStateDescriptor<>("open-alert", new AvroTypeInfo<>(Alert.class)));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-findings", Types.LONG,
                Types.LIST(new AvroTypeInfo<>(Finding.class))));
        findingsOfRemovedRules = getRuntimeContext().getMetricGroup().counter(FINDINGS_OF_REMOVED_RULES);
        findingsAppliedInLull = getRuntimeContext().getMetricGroup().counter(FINDINGS_APPLIED_IN_LULL);
        alertsPublished = new HashMap<>();
        rules.keySet().forEach(this::alertsPublishedOf);
    }

    /**
     * Findings wait for the watermark: CEP matches come out as the watermark passes them, but a
     * CLEAR is stateless and would otherwise overtake the match it clears.
     */
    @Override
    public void processElement(Finding finding, Context ctx, Collector<Alert> out) throws Exception {
        long time = finding.getLastEventTime();
        List<Finding> atTime = pending.get(time);
        List<Finding> updated = atTime == null ? new ArrayList<>() : new ArrayList<>(atTime);
        updated.add(finding);
        pending.put(time, updated);
        ctx.timerService().registerEventTimeTimer(time);
        // Whole seconds, so that a burst of findings shares one wall-time timer.
        long now = ctx.timerService().currentProcessingTime();
        ctx.timerService().registerProcessingTimeTimer(Math.floorDiv(now + lullWait + SECOND - 1, SECOND) * SECOND);
    }

    /**
     * Event-time timers fire in time order: due findings first, then the quiet-period check. A
     * wall-time timer applies what no watermark passed. Stale timers find nothing to do.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            applyPendingInLull(ctx, out);
            return;
        }
        List<Finding> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            for (Finding finding : due) {
                apply(finding, ctx, out);
            }
        }
        Alert current = open.value();
        if (current == null) {
            return;
        }
        RuleSpec rule = rules.get(current.getRule());
        if (rule == null) {
            // Restored from a savepoint taken before the rule was removed: nothing will update it again.
            resolve(current, timestamp, "resolved: rule " + current.getRule() + " is no longer configured", out);
        } else if (resolveAt(current, rule) <= timestamp) {
            resolve(current, timestamp, "resolved: no new match for " + Findings.span(resolveAfter(rule)), out);
        }
    }

    private void applyPendingInLull(Context ctx, Collector<Alert> out) throws Exception {
        List<Long> times = new ArrayList<>();
        pending.keys().forEach(times::add);
        Collections.sort(times);
        for (long time : times) {
            for (Finding finding : pending.get(time)) {
                findingsAppliedInLull.inc();
                apply(finding, ctx, out);
            }
            pending.remove(time);
        }
    }

    private void apply(Finding finding, Context ctx, Collector<Alert> out) throws Exception {
        Alert current = open.value();
        if (finding.getAction() == FindingAction.CLEAR) {
            if (current != null) {
                resolve(current, finding.getLastEventTime(), finding.getMessage(), out);
            }
            return;
        }
        RuleSpec rule = rules.get(finding.getRule());
        // A finding of a rule removed since the savepoint it waited in has no rule to apply: counted, not published.
        if (rule == null) {
            findingsOfRemovedRules.inc();
            return;
        }
        Alert next = current == null ? opened(finding, rule) : updated(current, finding, rule);
        ctx.timerService().registerEventTimeTimer(resolveAt(next, rule));
        open.update(next);
        publish(next, out);
    }

    private void resolve(Alert current, long time, String why, Collector<Alert> out) throws Exception {
        open.clear();
        publish(Alert.newBuilder(current)
                .setStatus(AlertStatus.RESOLVED)
                .setRevision(current.getRevision() + 1)
                .setLastEventTime(Instant.ofEpochMilli(Math.max(time, current.getLastEventTime().toEpochMilli())))
                .setMessage(why + " (was: " + current.getMessage() + ")")
                .build(), out);
    }

    private void publish(Alert alert, Collector<Alert> out) {
        alertsPublishedOf(alert.getRule()).inc();
        out.collect(alert);
    }

    /** Per rule, so that a dashboard shows which rule fires: one counter each, made at open for the rules configured. */
    private Counter alertsPublishedOf(String rule) {
        return alertsPublished.computeIfAbsent(rule, name -> getRuntimeContext().getMetricGroup().addGroup("rule", name).counter(ALERTS_PUBLISHED));
    }

    private static long resolveAfter(RuleSpec rule) {
        return rule.duration("resolve-after").toMillis();
    }

    private static long resolveAt(Alert alert, RuleSpec rule) {
        return alert.getLastEventTime().toEpochMilli() + resolveAfter(rule);
    }

    private static Alert opened(Finding finding, RuleSpec rule) {
        String id = UUID.nameUUIDFromBytes((alertKey(finding) + '|' + finding.getFirstEventTime())
                .getBytes(StandardCharsets.UTF_8)).toString();
        Map<String, String> details = details(finding, finding.getEvidenceEventIds().size());
        return Alert.newBuilder()
                .setId(id)
                .setRule(finding.getRule())
                .setFamily(family(rule))
                .setSeverity(rule.severity())
                .setStatus(AlertStatus.OPEN)
                .setRevision(1)
                .setKey(finding.getKey())
                .setFirstEventTime(Instant.ofEpochMilli(finding.getFirstEventTime()))
                .setLastEventTime(Instant.ofEpochMilli(finding.getLastEventTime()))
                .setEvidenceEventIds(newest(finding.getEvidenceEventIds(), List.of(), MAX_EVIDENCE))
                .setRelatedTraceIds(newest(finding.getTraceIds(), List.of(), MAX_TRACES))
                .setMessage(finding.getMessage())
                .setSuggestedAction(rule.action(finding.getKey(), details))
                .setDetails(details)
                .build();
    }

    private static Alert updated(Alert current, Finding finding, RuleSpec rule) {
        List<String> evidence = newest(current.getEvidenceEventIds(), finding.getEvidenceEventIds(), Integer.MAX_VALUE);
        int evidenceSeen = Integer.parseInt(current.getDetails().getOrDefault("evidence-events", "0"))
                + (int) finding.getEvidenceEventIds().stream().filter(id -> !current.getEvidenceEventIds().contains(id)).count();
        Map<String, String> details = details(finding, evidenceSeen);
        details.put("matches", Integer.toString(Integer.parseInt(current.getDetails().getOrDefault("matches", "1")) + 1));
        return Alert.newBuilder(current)
                .setStatus(AlertStatus.UPDATED)
                .setRevision(current.getRevision() + 1)
                .setFirstEventTime(Instant.ofEpochMilli(Math.min(current.getFirstEventTime().toEpochMilli(), finding.getFirstEventTime())))
                .setLastEventTime(Instant.ofEpochMilli(Math.max(current.getLastEventTime().toEpochMilli(), finding.getLastEventTime())))
                .setEvidenceEventIds(newest(evidence, List.of(), MAX_EVIDENCE))
                .setRelatedTraceIds(newest(current.getRelatedTraceIds(), finding.getTraceIds(), MAX_TRACES))
                .setMessage(finding.getMessage())
                .setSuggestedAction(rule.action(finding.getKey(), details))
                .setDetails(details)
                .build();
    }

    private static Map<String, String> details(Finding finding, int evidenceSeen) {
        Map<String, String> details = new LinkedHashMap<>(finding.getDetails());
        details.putIfAbsent("matches", "1");
        details.put("evidence-events", Integer.toString(evidenceSeen));
        return details;
    }

    /** Both lists without repeats, in order, keeping the newest {@code max}. */
    private static List<String> newest(List<String> older, List<String> newer, int max) {
        LinkedHashSet<String> merged = new LinkedHashSet<>(older);
        merged.addAll(newer);
        List<String> all = new ArrayList<>(merged);
        return new ArrayList<>(all.subList(Math.max(0, all.size() - max), all.size()));
    }

    static AlertFamily family(RuleSpec rule) {
        return AlertFamily.valueOf(rule.family().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
