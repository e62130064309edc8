package dev.braid.correlate.functions;

/**
 * What {@link AssembleTraces} remembers of one trace besides its events: a Flink POJO, so it is
 * serialized without Kryo and can gain fields with defaults across savepoints.
 */
public class TraceProgress {

    /** Event time of the earliest and latest event. */
    public long first;
    public long last;
    /** Versions emitted so far: 0 while the trace is open for the first time. */
    public int version;
    public boolean closed;
    /** Event-time timers in force, so a moved or finished one can be deleted. */
    public long inactivityTimer;
    public long maxDurationTimer;
    public long cleanupTimer;
    /**
     * Whether wall time closes and clears the trace: it opened behind the watermark (history
     * shipped late, a producer whose clock lags), so its event-time timers have passed already, or
     * the watermark jumped past its lateness before that lateness was served.
     */
    public boolean replayed;
    /** Processing time the latest event arrived, and the watermark then. */
    public long lastArrival;
    public long watermarkAtArrival;
    /** The one processing-time timer in force (quiet close or replayed cleanup), 0 for none. */
    public long wallTimer;

    public TraceProgress() {}
}
