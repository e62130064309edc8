package dev.braid.detect.rules.agent;

import static dev.braid.testing.Events.T0;
import static dev.braid.testing.Events.agentOutcome;
import static dev.braid.testing.Events.llmCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.detect.cep.CepDetection;
import dev.braid.detect.functions.CountLateEvents;
import dev.braid.detect.functions.MatchRuns;
import dev.braid.detect.model.Finding;
import dev.braid.schema.Fix;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.MeteredHarness;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups.UnregisteredTaskMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

/** An event behind the watermark is counted on the operator's late path, never dropped without a trace. */
class LateEventsTest {

    private static final long MIN = 60_000;
    private static final AvroTypeInfo<NormalizedEvent> EVENT_TYPE = new AvroTypeInfo<>(NormalizedEvent.class);

    @Test
    void aFailedCallBehindTheWatermarkIsCountedAsLateAndLeavesTheBreakerAlone() throws Exception {
        ModelApiBreaker.Detector breaker = new ModelApiBreaker.Detector(2, Duration.ofMinutes(30));
        try (var metered = new MeteredHarness<String, NormalizedEvent, Finding>(new MatchRuns(breaker), breaker::key, Types.STRING)) {
            var harness = metered.harness();
            send(harness, llmCall("on-time", 10 * MIN, "anthropic", "529 overloaded_error"));
            harness.processWatermark(T0 + 10 * MIN);
            send(harness, llmCall("late", 9 * MIN, "anthropic", "529 overloaded_error"));
            harness.processWatermark(T0 + 11 * MIN);

            assertThat(metered.count(CountLateEvents.LATE_EVENTS)).isEqualTo(1);
            assertThat(harness.extractOutputValues()).as("a late failure does not make a run of two").isEmpty();
        }
    }

    @Test
    void anErrorBehindTheWatermarkTakesTheFixPatternsLatePathWhereItIsCounted() throws Exception {
        ErrorToSuccess.Detector fixes = new ErrorToSuccess.Detector(Duration.ofHours(24));
        OutputTag<NormalizedEvent> late = CepDetection.lateEvents(EVENT_TYPE);
        NormalizedEvent error = agentOutcome("late-error", 0, "task-1", "S1", 1, "error");
        try (var cep = new KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Fix>(
                CepDetection.operator(fixes, EVENT_TYPE.createSerializer(new SerializerConfigImpl()), late), fixes::key, Types.STRING)) {
            cep.open();
            cep.processWatermark(T0 + 10 * MIN);
            send(cep, error);

            assertThat(cep.getSideOutput(late)).extracting(StreamRecord::getValue).containsExactly(error);
        }

        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        try (MockEnvironment environment = new MockEnvironmentBuilder().setMetricGroup(new UnregisteredTaskMetricGroup() {
                    @Override
                    public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> info) {
                        return metrics;
                    }
                }).build();
             var counting = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new CountLateEvents()), environment)) {
            counting.open();
            counting.processElement(error, error.getEventTime().toEpochMilli());

            assertThat(((Counter) metrics.get(CountLateEvents.LATE_EVENTS)).getCount()).isEqualTo(1);
        }
    }

    private static <OUT> void send(OneInputStreamOperatorTestHarness<NormalizedEvent, OUT> harness, NormalizedEvent event)
            throws Exception {
        harness.processElement(event, event.getEventTime().toEpochMilli());
    }
}
