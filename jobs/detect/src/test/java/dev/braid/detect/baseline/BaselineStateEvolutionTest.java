package dev.braid.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.schema.baseline.EndpointStats;
import dev.braid.schema.baseline.ErrorStats;
import dev.braid.schema.baseline.PageVitals;
import dev.braid.schema.baseline.TestStats;
import dev.braid.testing.CompatSavepoints;
import dev.braid.testing.EvolvedAvroTypes;
import dev.braid.testing.FlinkMiniCluster;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A later release adds an optional field to a baseline state type: the state of every released
 * detect savepoint still reads, entry for entry, with the field unset.
 *
 * <p>The evolution is the one a release would ship: each type's schema gains a field ({@code
 * ["null", "string"]}, default null), its SpecificRecord class is generated and compiled as the
 * build does, and the savepoint is read on a Flink cluster whose user-code class loader finds the
 * evolved classes first under the released names. Flink then sees a new serializer schema for the
 * restored state, resolves it as compatible after migration (Avro reader-writer resolution), and
 * RocksDB, the production backend, rewrites every value through the evolved class. A GenericRecord
 * reader with the evolved schema is no substitute: Flink's check compares schemas only and accepts
 * it, but the migration reads each value into the SpecificRecord class the savepoint names, which
 * the generic writer cannot write (a timestamp is an Instant there, not a long; the added field has
 * no position there). The reader uses the production reader's TTL-enabled descriptor.
 *
 * <p>Both reads encode every value in the released schema, so "without loss" is byte equality.
 */
class BaselineStateEvolutionTest {

    private static final String ADDED_FIELD = "addedInALaterRelease";

    /** The baseline state types by the uid of the operator that keeps them. */
    private static final Map<String, Class<? extends SpecificRecordBase>> TYPES_BY_UID = Map.of(
            BaselineState.TESTS_UID, TestStats.class,
            BaselineState.ENDPOINTS_UID, EndpointStats.class,
            BaselineState.PAGES_UID, PageVitals.class,
            BaselineState.ERRORS_UID, ErrorStats.class);

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    static Stream<String> releasedVersions() {
        return CompatSavepoints.versions("detect").stream();
    }

    @ParameterizedTest(name = "detect {0}")
    @MethodSource("releasedVersions")
    void everyBaselineStateTypeWithAnAddedOptionalFieldReadsTheReleasedStateWithoutLoss(
            String version, @TempDir Path work, @InjectMiniCluster MiniCluster cluster) throws Exception {
        String savepoint = CompatSavepoints.path("detect", version);
        URL evolvedClasses = EvolvedAvroTypes.compile(TYPES_BY_UID.values().stream()
                .map(type -> EvolvedAvroTypes.withOptionalField(schemaOf(type), ADDED_FIELD)).toList(), work);

        Map<String, Map<String, Read>> asReleased = read(cluster, savepoint, List.of());
        Map<String, Map<String, Read>> evolved = read(cluster, savepoint, List.of(evolvedClasses));

        for (String uid : TYPES_BY_UID.keySet()) {
            assertThat(asReleased.get(uid)).as(uid + " in the released savepoint").isNotEmpty()
                    .allSatisfy((key, read) -> assertThat(read.addedFieldUnset()).isFalse());
            assertThat(evolved.get(uid)).as(uid + " read with the added field").hasSameSizeAs(asReleased.get(uid))
                    .allSatisfy((key, read) -> {
                        assertThat(read.addedFieldUnset()).as("%s is unset for %s", ADDED_FIELD, key).isTrue();
                        assertThat(read.asReleased()).as("%s as released", key).isEqualTo(asReleased.get(uid).get(key).asReleased());
                    });
        }
    }

    /** One value: encoded in its released schema, and whether it has the added field, unset. */
    record Read(byte[] asReleased, boolean addedFieldUnset) {}

    /**
     * Every baseline state of the savepoint, by operator uid and key, read with RocksDB by a job
     * whose user-code class path starts with {@code classPath}.
     */
    private static Map<String, Map<String, Read>> read(MiniCluster cluster, String savepoint, List<URL> classPath) throws Exception {
        StreamExecutionEnvironment env =
                new TestStreamEnvironment(cluster, new Configuration(), FlinkMiniCluster.PARALLELISM, List.of(), classPath);
        SavepointReader reader = SavepointReader.read(env, savepoint, new EmbeddedRocksDBStateBackend());
        TypeInformation<Tuple3<String, byte[], Boolean>> output =
                Types.TUPLE(Types.STRING, Types.PRIMITIVE_ARRAY(Types.BYTE), Types.BOOLEAN);
        Map<String, CloseableIterator<Tuple3<String, byte[], Boolean>>> reads = new LinkedHashMap<>();
        for (Map.Entry<String, Class<? extends SpecificRecordBase>> state : TYPES_BY_UID.entrySet()) {
            ReadEncoded function = new ReadEncoded(state.getValue().getName(), schemaOf(state.getValue()).toString());
            reads.put(state.getKey(), reader.readKeyedState(OperatorIdentifier.forUid(state.getKey()), function, Types.STRING, output)
                    .collectAsync());
        }
        env.executeAsync("read baseline state");
        Map<String, Map<String, Read>> byUid = new HashMap<>();
        for (Map.Entry<String, CloseableIterator<Tuple3<String, byte[], Boolean>>> read : reads.entrySet()) {
            Map<String, Read> byKey = new HashMap<>();
            try (CloseableIterator<Tuple3<String, byte[], Boolean>> values = read.getValue()) {
                values.forEachRemaining(value -> byKey.put(value.f0, new Read(value.f1, value.f2)));
            }
            byUid.put(read.getKey(), byKey);
        }
        return byUid;
    }

    private static Schema schemaOf(Class<? extends SpecificRecordBase> type) {
        return SpecificData.get().getSchema(type);
    }

    /**
     * Reads the job's baseline state of one type, loaded by name from the job's user-code class
     * loader (the released class, or the evolved one when it comes first), through the reader's
     * own TTL-aware descriptor.
     */
    private static final class ReadEncoded extends KeyedStateReaderFunction<String, Tuple3<String, byte[], Boolean>> {

        private static final long serialVersionUID = 1L;

        private final String typeName;
        private final String releasedSchema;
        private transient ValueState<SpecificRecordBase> stats;
        private transient Schema released;

        ReadEncoded(String typeName, String releasedSchema) {
            this.typeName = typeName;
            this.releasedSchema = releasedSchema;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void open(OpenContext context) throws Exception {
            Class<SpecificRecordBase> type = (Class<SpecificRecordBase>)
                    Class.forName(typeName, true, getRuntimeContext().getUserCodeClassLoader());
            ValueStateDescriptor<SpecificRecordBase> descriptor = BaselineState.readerDescriptor(type);
            stats = getRuntimeContext().getState(descriptor);
            released = new Schema.Parser().parse(releasedSchema);
        }

        @Override
        public void readKey(String key, Context context, Collector<Tuple3<String, byte[], Boolean>> out) throws Exception {
            SpecificRecordBase value = stats.value();
            if (value != null) {
                boolean addedFieldUnset = value.getSchema().getField(ADDED_FIELD) != null && value.get(ADDED_FIELD) == null;
                out.collect(Tuple3.of(key, encode(value), addedFieldUnset));
            }
        }

        /** By field position, which the evolved type keeps for every released field. */
        private byte[] encode(SpecificRecordBase value) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<>(released, value.getSpecificData()).write(value, encoder);
            encoder.flush();
            return bytes.toByteArray();
        }
    }
}
