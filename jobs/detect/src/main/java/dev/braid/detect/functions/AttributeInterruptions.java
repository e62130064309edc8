package dev.braid.detect.functions;

import dev.braid.detect.rules.EventFields;
import dev.braid.schema.CiInstance;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Names the CI job a spot interruption hit. AWS's interruption warning knows only the instance;
 * the runner's launch record knows the instance and the job it was started for. Keyed by instance
 * id, this remembers the job and emits each interruption once, as a {@code ci.interruption} event
 * with the job id set, when the watermark passes it (so a launch record that arrives late, within
 * the out-of-orderness, still counts). An instance is interrupted at most once, so a runner
 * terminated with reason spot-interruption after the warning is the same interruption, not another.
 *
 * <p>State: the job id, the interruption waiting for the watermark and whether it was reported,
 * all with a TTL of a week: longer than any spot instance's warning-to-termination time, and than
 * a lull in which the waiting interruption's watermark stands still (the TTL counts wall time).
 */
public final class AttributeInterruptions extends KeyedProcessFunction<String, NormalizedEvent, NormalizedEvent> {

    private static final long serialVersionUID = 1L;

    static final Duration STATE_TTL = Duration.ofDays(7);
    /** Second reports of an instance's one interruption (the runner's termination after AWS's warning): not counted again. */
    public static final String DUPLICATE_INTERRUPTIONS = "duplicateInterruptions";
    private static final String SPOT_WARNING_KIND = "ci.spot_interruption";
    private static final String INSTANCE_KIND = "ci.instance";

    private transient ValueState<String> jobOfInstance;
    private transient ValueState<NormalizedEvent> waiting;
    private transient ValueState<Boolean> reported;
    private transient Counter duplicates;

    /** Spot warnings and runner launch and termination records that name an instance. */
    public static boolean selects(NormalizedEvent event) {
        CiInstance instance = EventFields.ciInstance(event);
        return instance != null && instance.getInstanceId() != null
                && (EventFields.isKind(event, SPOT_WARNING_KIND) || EventFields.isKind(event, INSTANCE_KIND));
    }

    public static String instanceId(NormalizedEvent event) {
        return EventFields.ciInstance(event).getInstanceId();
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl = StateTtlConfig.newBuilder(STATE_TTL).updateTtlOnCreateAndWrite().neverReturnExpired().build();
        ValueStateDescriptor<String> job = new ValueStateDescriptor<>("job-of-instance", Types.STRING);
        ValueStateDescriptor<NormalizedEvent> interruption =
                new ValueStateDescriptor<>("waiting-interruption", new AvroTypeInfo<>(NormalizedEvent.class));
        ValueStateDescriptor<Boolean> done = new ValueStateDescriptor<>("interruption-reported", Types.BOOLEAN);
        job.enableTimeToLive(ttl);
        interruption.enableTimeToLive(ttl);
        done.enableTimeToLive(ttl);
        jobOfInstance = getRuntimeContext().getState(job);
        waiting = getRuntimeContext().getState(interruption);
        reported = getRuntimeContext().getState(done);
        duplicates = getRuntimeContext().getMetricGroup().counter(DUPLICATE_INTERRUPTIONS);
    }

    @Override
    public void processElement(NormalizedEvent event, Context ctx, Collector<NormalizedEvent> out) throws Exception {
        String job = EventFields.keys(event).getJobId();
        if (job != null) {
            jobOfInstance.update(job);
        }
        if (!isInterruption(event)) {
            return;
        }
        boolean done = Boolean.TRUE.equals(reported.value());
        NormalizedEvent earlier = waiting.value();
        if (done || earlier != null) {
            // A second report of the one interruption: the earliest of them is reported.
            duplicates.inc();
        }
        if (!done && (earlier == null || event.getEventTime().isBefore(earlier.getEventTime()))) {
            waiting.update(event);
            ctx.timerService().registerEventTimeTimer(event.getEventTime().toEpochMilli());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<NormalizedEvent> out) throws Exception {
        NormalizedEvent interruption = waiting.value();
        if (interruption == null || interruption.getEventTime().toEpochMilli() > timestamp) {
            return;
        }
        waiting.clear();
        reported.update(true);
        CorrelationKeys keys = CorrelationKeys.newBuilder(EventFields.keys(interruption)).setJobId(jobOfInstance.value()).build();
        out.collect(NormalizedEvent.newBuilder(interruption)
                .setKind(EventFields.INTERRUPTION_KIND)
                .setKeys(keys)
                .build());
    }

    /** The operator that runs this function: one that never passes on that its input went idle. */
    public static KeyedProcessOperator<String, NormalizedEvent, NormalizedEvent> operator() {
        return new NeverIdle();
    }

    /**
     * The rules join the interruptions with the events straight from the source. Were this
     * operator idle when the source wakes (after a lull, or a broker out of reach), a rule would
     * follow the source's watermark alone, jump ahead with it, and find the interruptions emitted
     * here as that watermark arrives behind it: late. It is idle only when every source subtask is,
     * when no watermark moves anyway, so staying active holds nothing back; the rules after it and
     * the alert tracking after them are then never idle either. {@code KeyedProcessOperator} is
     * the operator Flink runs a {@code process} function in: the subclass keeps its state and
     * timers, so savepoints map as before.
     */
    private static final class NeverIdle extends KeyedProcessOperator<String, NormalizedEvent, NormalizedEvent> {

        private static final long serialVersionUID = 1L;

        NeverIdle() {
            super(new AttributeInterruptions());
        }

        @Override
        public void processWatermarkStatus(WatermarkStatus status) throws Exception {
            if (status.isActive()) {
                super.processWatermarkStatus(status);
            }
        }
    }

    /** AWS's two-minute warning, or a spot runner terminated because it was interrupted. */
    static boolean isInterruption(NormalizedEvent event) {
        if (EventFields.isKind(event, SPOT_WARNING_KIND)) {
            return true;
        }
        CiInstance instance = EventFields.ciInstance(event);
        String reason = event.getMetadata() == null ? null : event.getMetadata().get("reason");
        return "terminated".equals(instance.getEvent()) && reason != null && reason.contains("interrupt");
    }
}
