package dev.braid.detect.baseline;

import dev.braid.schema.NormalizedEvent;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps one {@link Tracked} record per key, updated by every event of the key. Emits nothing.
 *
 * <p>A record is read from the state once and written back once per checkpoint rather than once
 * per event: the records changed since the last checkpoint wait here, and are written before each
 * checkpoint or savepoint barrier, so every snapshot holds what one write per event would have. An
 * endpoint's record carries a dozen sketches, several KB, and reading and rewriting it in RocksDB
 * for every request cost several times all the rest the baseline does per event.
 */
final class KeepStats<S> extends AbstractStreamOperator<Void> implements OneInputStreamOperator<NormalizedEvent, Void> {

    private static final long serialVersionUID = 1L;

    /** Records held at most before they are all written: some MB at the largest records. */
    static final int MAX_PENDING = 256;

    private final Tracked<S> tracked;
    private final Duration forgetAfter;
    private transient ValueState<S> stats;
    private transient Map<String, S> pending;

    KeepStats(Tracked<S> tracked, Duration forgetAfter) {
        this.tracked = tracked;
        this.forgetAfter = forgetAfter;
    }

    @Override
    public void open() throws Exception {
        super.open();
        stats = getRuntimeContext().getState(BaselineState.descriptor(tracked.type(), forgetAfter));
        pending = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<NormalizedEvent> element) throws IOException {
        String key = (String) getCurrentKey();
        S current = pending.containsKey(key) ? pending.get(key) : stats.value();
        pending.put(key, tracked.update(current, element.getValue()));
        if (pending.size() > MAX_PENDING) {
            writePending();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        writePending();
    }

    @Override
    public void finish() throws Exception {
        writePending();
        super.finish();
    }

    /** Writes every waiting record under its key, then returns to the key of the event at hand. */
    private void writePending() throws IOException {
        Object eventKey = getCurrentKey();
        for (Map.Entry<String, S> record : pending.entrySet()) {
            setCurrentKey(record.getKey());
            stats.update(record.getValue());
        }
        pending.clear();
        if (eventKey != null) {
            setCurrentKey(eventKey);
        }
    }
}
