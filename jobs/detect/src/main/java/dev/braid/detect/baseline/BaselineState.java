package dev.braid.detect.baseline;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

import java.time.Duration;

/**
 * Where the baseline state lives in a detect savepoint: the operator uids and the one value state
 * each keeps. The job and {@link BaselineReader} build their descriptors here, so they cannot drift.
 */
public final class BaselineState {

    public static final String TESTS_UID = "detect-baseline-tests";
    public static final String ENDPOINTS_UID = "detect-baseline-endpoints";
    public static final String PAGES_UID = "detect-baseline-pages";
    public static final String ERRORS_UID = "detect-baseline-errors";
    public static final String PAIR_EXCHANGES_UID = "detect-baseline-pair-exchanges";

    static final String STATE_NAME = "stats";

    private BaselineState() {}

    /** Every kind's state is an Avro record, so a new optional field restores old savepoints. */
    static <S> ValueStateDescriptor<S> descriptor(Class<S> type, Duration forgetAfter) {
        return descriptor(type, StateTtlConfig.newBuilder(forgetAfter)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .cleanupInRocksdbCompactFilter(1000)
                .build());
    }

    /**
     * The same state for reading a savepoint, whatever its age: written state is TTL-wrapped, so a
     * reader enables TTL too, and returns what the job had not cleaned up yet.
     */
    static <S> ValueStateDescriptor<S> readerDescriptor(Class<S> type) {
        // No background cleanup either: it would drop expired entries of an old savepoint before they are read.
        return descriptor(type, StateTtlConfig.newBuilder(Duration.ofDays(1))
                .returnExpiredIfNotCleanedUp()
                .disableCleanupInBackground()
                .build());
    }

    private static <S> ValueStateDescriptor<S> descriptor(Class<S> type, StateTtlConfig ttl) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        ValueStateDescriptor<S> descriptor = new ValueStateDescriptor<>(STATE_NAME, new AvroTypeInfo(type));
        descriptor.enableTimeToLive(ttl);
        return descriptor;
    }
}
