package dev.braid.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.schema.Level;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.baseline.EndpointStats;
import dev.braid.testing.Events;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Every checkpoint holds each key's record as if the record had been written after each of the
 * key's events: the same counts and, byte for byte, the same sketches.
 */
class KeepStatsTest {

    private static final Duration FORGET_AFTER = Duration.ofDays(30);
    private static final EndpointBaseline ENDPOINTS = new EndpointBaseline(new Buckets(Duration.ofMinutes(5).toMillis(), 12));

    static Stream<Supplier<StateBackend>> backends() {
        return Stream.of(EmbeddedRocksDBStateBackend::new, HashMapStateBackend::new);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aCheckpointHoldsEveryKeysRecordAsIfEachEventHadBeenWritten(Supplier<StateBackend> backend) throws Exception {
        List<NormalizedEvent> events = requests(0, 3_000, 20);

        Map<String, EndpointStats> kept = keptAfter(backend, List.of(events));

        assertThat(kept).isEqualTo(folded(events));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void moreKeysThanAnOperatorHoldsInMemoryAreAllKept(Supplier<StateBackend> backend) throws Exception {
        List<NormalizedEvent> events = requests(0, 3_000, 1_500);

        Map<String, EndpointStats> kept = keptAfter(backend, List.of(events));

        assertThat(kept).hasSizeGreaterThan(1_000).isEqualTo(folded(events));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void afterARestoreTheRecordsGoOnFromTheCheckpoint(Supplier<StateBackend> backend) throws Exception {
        List<NormalizedEvent> before = requests(0, 1_000, 30);
        List<NormalizedEvent> after = requests(1_000, 1_000, 30);

        Map<String, EndpointStats> kept = keptAfter(backend, List.of(before, after));

        List<NormalizedEvent> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(kept).isEqualTo(folded(all));
    }

    /** Each batch into a harness restored from the previous one's checkpoint; the records of the last. */
    private static Map<String, EndpointStats> keptAfter(Supplier<StateBackend> backend, List<List<NormalizedEvent>> batches)
            throws Exception {
        OperatorSubtaskState checkpoint = null;
        long checkpointId = 0;
        for (List<NormalizedEvent> batch : batches) {
            try (KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Void> harness = harness(backend, checkpoint)) {
                for (NormalizedEvent event : batch) {
                    harness.processElement(event, event.getEventTime().toEpochMilli());
                }
                // As a task checkpoints: the operator's pre-barrier work, then the snapshot.
                harness.prepareSnapshotPreBarrier(++checkpointId);
                checkpoint = harness.snapshot(checkpointId, checkpointId);
            }
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Void> harness = harness(backend, checkpoint)) {
            return stateOf(harness);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Void> harness(
            Supplier<StateBackend> backend, OperatorSubtaskState checkpoint) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Void> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(operator(), ENDPOINTS::key, Types.STRING);
        harness.setStateBackend(backend.get());
        if (checkpoint != null) {
            harness.initializeState(checkpoint);
        }
        harness.open();
        return harness;
    }

    private static OneInputStreamOperator<NormalizedEvent, Void> operator() {
        return new KeepStats<>(ENDPOINTS, FORGET_AFTER);
    }

    private static Map<String, EndpointStats> stateOf(KeyedOneInputStreamOperatorTestHarness<String, NormalizedEvent, Void> harness)
            throws Exception {
        KeyedStateBackend<Object> backend = ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        List<Object> keys;
        try (Stream<Object> stored = backend.getKeys(BaselineState.STATE_NAME, VoidNamespace.INSTANCE)) {
            keys = stored.toList();
        }
        ValueState<EndpointStats> state = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                BaselineState.descriptor(EndpointStats.class, FORGET_AFTER));
        Map<String, EndpointStats> records = new HashMap<>();
        for (Object key : keys) {
            backend.setCurrentKey(key);
            records.put((String) key, state.value());
        }
        return records;
    }

    /** The records one update per event gives, in the order the events come. */
    private static Map<String, EndpointStats> folded(List<NormalizedEvent> events) {
        Map<String, EndpointStats> records = new LinkedHashMap<>();
        for (NormalizedEvent event : events) {
            String key = ENDPOINTS.key(event);
            records.put(key, ENDPOINTS.update(records.get(key), event));
        }
        return records;
    }

    /** Finished requests a second apart over {@code endpoints} routes, latencies log-normal, some failing. */
    private static List<NormalizedEvent> requests(int first, int count, int endpoints) {
        Random random = new Random(first);
        List<NormalizedEvent> events = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            boolean failed = random.nextInt(20) == 0;
            NetworkRequest request = NetworkRequest.newBuilder().setRequestId("r" + i).setMethod("GET")
                    .setUrl("https://shop.example.com/api/route" + random.nextInt(endpoints) + "/" + i)
                    .setStatus(failed ? null : 200).setErrorText(failed ? "net::ERR_FAILED" : null)
                    .setDurationMs(failed ? null : Math.exp(Math.log(120) + 0.5 * random.nextGaussian()))
                    .setRequestHeaders(new HashMap<>()).build();
            events.add(Events.event("e" + i, i * 1_000L, Source.BROWSER, "network.response", Level.INFO, "GET")
                    .setPayload(request).build());
        }
        return events;
    }
}
