package dev.braid.testing;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups.UnregisteredTaskMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.util.HashMap;
import java.util.Map;

/**
 * A keyed operator test harness whose metrics can be read back: what an operator counts (late,
 * replayed, closed while quiet) is part of what its tests assert.
 */
public final class MeteredHarness<K, IN, OUT> implements AutoCloseable {

    private final Map<String, InterceptingOperatorMetricGroup> subgroups = new HashMap<>();
    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup() {
        @Override
        public MetricGroup addGroup(String key, String value) {
            return subgroups.computeIfAbsent(key + "=" + value, name -> new InterceptingOperatorMetricGroup());
        }
    };
    private final MockEnvironment environment;
    private final KeyedOneInputStreamOperatorTestHarness<K, IN, OUT> harness;

    public MeteredHarness(KeyedProcessFunction<K, IN, OUT> function, KeySelector<IN, K> key, TypeInformation<K> keyType)
            throws Exception {
        this(new KeyedProcessOperator<>(function), key, keyType);
    }

    /** For an operator written against the operator API, where a process function cannot do. */
    public MeteredHarness(OneInputStreamOperator<IN, OUT> operator, KeySelector<IN, K> key, TypeInformation<K> keyType)
            throws Exception {
        environment = new MockEnvironmentBuilder().setMetricGroup(new UnregisteredTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, java.util.Map<String, String> info) {
                return metrics;
            }
        }).build();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, key, keyType, environment);
        harness.open();
    }

    public KeyedOneInputStreamOperatorTestHarness<K, IN, OUT> harness() {
        return harness;
    }

    /** The count of the operator's counter of that name; 0 if it never registered one. */
    public long count(String counter) {
        Object metric = metrics.get(counter);
        return metric == null ? 0 : ((Counter) metric).getCount();
    }

    /** The count of a counter in a key-value group of the operator, such as {@code rule=spot-churn}; 0 if none. */
    public long count(String group, String counter) {
        InterceptingOperatorMetricGroup metricGroup = subgroups.get(group);
        Object metric = metricGroup == null ? null : metricGroup.get(counter);
        return metric == null ? 0 : ((Counter) metric).getCount();
    }

    /** Moves wall time for timers and for the state TTL alike. */
    public void wallClock(long millis) throws Exception {
        harness.setStateTtlProcessingTime(millis);
        harness.setProcessingTime(millis);
    }

    /** What the operator still holds, empty when nothing: no keyed state, no timer of either kind. */
    public String held() {
        int state = harness.numKeyedStateEntries();
        int eventTimers = harness.numEventTimeTimers();
        int wallTimers = harness.numProcessingTimeTimers();
        return state + eventTimers + wallTimers == 0 ? ""
                : state + " state entries, " + eventTimers + " event-time timers, " + wallTimers + " processing-time timers";
    }

    @Override
    public void close() throws Exception {
        harness.close();
        environment.close();
    }
}
