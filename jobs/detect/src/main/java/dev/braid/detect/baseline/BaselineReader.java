package dev.braid.detect.baseline;

import dev.braid.schema.baseline.EndpointStats;
import dev.braid.schema.baseline.ErrorStats;
import dev.braid.schema.baseline.PageVitals;
import dev.braid.schema.baseline.TestStats;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the baseline state out of a savepoint (or retained checkpoint) with the State Processor
 * API: one batch job that reads the four keyed states of the detect job's baseline operators, of
 * every savepoint asked for.
 */
public final class BaselineReader {

    private static final List<String> UIDS = List.of(
            BaselineState.TESTS_UID, BaselineState.ENDPOINTS_UID, BaselineState.PAGES_UID, BaselineState.ERRORS_UID);

    private BaselineReader() {}

    /** Reads with the heap backend: a canonical savepoint restores into any backend. */
    public static List<BaselineSnapshot> read(String... savepoints) throws Exception {
        return read(new HashMapStateBackend(), savepoints);
    }

    /**
     * Each savepoint's baseline state, in the order given. All are read by one batch job: reading
     * starts a local cluster, and once is enough.
     */
    public static List<BaselineSnapshot> read(StateBackend backend, String... savepoints) throws Exception {
        for (String savepoint : savepoints) {
            check(savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        List<Collected> collected = new ArrayList<>();
        for (String savepoint : savepoints) {
            collected.add(Collected.of(SavepointReader.read(env, savepoint, backend)));
        }
        env.executeAsync("braid: read baselines " + String.join(", ", savepoints));
        List<BaselineSnapshot> snapshots = new ArrayList<>();
        for (Collected one : collected) {
            snapshots.add(one.drain());
        }
        return snapshots;
    }

    /**
     * The savepoint, once it is known to hold baseline state: a savepoint of a job without the
     * baseline operators fails here, saying so, not deep in a read.
     */
    public static String check(String savepoint) throws IOException {
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(savepoint);
        Set<OperatorID> present = metadata.getOperatorStates().stream()
                .map(OperatorState::getOperatorID).collect(Collectors.toSet());
        List<String> missing = UIDS.stream()
                .filter(uid -> !present.contains(OperatorIdentifier.forUid(uid).getOperatorId()))
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(savepoint + " has no baseline state (operators " + String.join(", ", missing)
                    + "): take it of a job that runs detect with the " + BaselineRegression.RULE + " rule enabled");
        }
        return savepoint;
    }

    /** One savepoint's four states, collected as the batch job runs. */
    private record Collected(
            CloseableIterator<Tuple2<String, TestStats>> tests,
            CloseableIterator<Tuple2<String, EndpointStats>> endpoints,
            CloseableIterator<Tuple2<String, PageVitals>> pages,
            CloseableIterator<Tuple2<String, ErrorStats>> errors) {

        static Collected of(SavepointReader reader) throws IOException {
            return new Collected(
                    collect(reader, BaselineState.TESTS_UID, TestStats.class),
                    collect(reader, BaselineState.ENDPOINTS_UID, EndpointStats.class),
                    collect(reader, BaselineState.PAGES_UID, PageVitals.class),
                    collect(reader, BaselineState.ERRORS_UID, ErrorStats.class));
        }

        BaselineSnapshot drain() throws Exception {
            return new BaselineSnapshot(BaselineReader.drain(tests), BaselineReader.drain(endpoints),
                    BaselineReader.drain(pages), BaselineReader.drain(errors));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <S> CloseableIterator<Tuple2<String, S>> collect(SavepointReader reader, String uid, Class<S> type)
            throws IOException {
        TypeInformation<Tuple2<String, S>> keyed = Types.TUPLE(Types.STRING, new AvroTypeInfo(type));
        return reader.readKeyedState(OperatorIdentifier.forUid(uid), new ReadStats<>(type), Types.STRING, keyed).collectAsync();
    }

    private static <S> Map<String, S> drain(CloseableIterator<Tuple2<String, S>> records) throws Exception {
        Map<String, S> byKey = new HashMap<>();
        try (records) {
            records.forEachRemaining(record -> byKey.put(record.f0, record.f1));
        }
        return byKey;
    }

    private static final class ReadStats<S> extends KeyedStateReaderFunction<String, Tuple2<String, S>> {

        private static final long serialVersionUID = 1L;

        private final Class<S> type;
        private transient ValueState<S> stats;

        ReadStats(Class<S> type) {
            this.type = type;
        }

        @Override
        public void open(OpenContext context) {
            stats = getRuntimeContext().getState(BaselineState.readerDescriptor(type));
        }

        @Override
        public void readKey(String key, Context context, Collector<Tuple2<String, S>> out) throws Exception {
            S value = stats.value();
            if (value != null) {
                out.collect(Tuple2.of(key, value));
            }
        }
    }
}
