package dev.braid.correlate.functions;

/**
 * What {@link BundleErrors} remembers of one bundle key besides its events, for closing bundles
 * while the watermark stands still: a Flink POJO, serialized without Kryo.
 */
public class BundleProgress {

    /** Processing time the latest event arrived, and the watermark then. */
    public long lastArrival;
    public long watermarkAtArrival;
    /** The quiet-check processing-time timer in force, 0 for none. */
    public long quietTimer;
    /** The latest event time of the key: far behind the watermark, its producer lags the others. */
    public long newestEventTime = Long.MIN_VALUE;

    public BundleProgress() {}
}
