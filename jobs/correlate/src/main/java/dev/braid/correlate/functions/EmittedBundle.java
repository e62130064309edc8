package dev.braid.correlate.functions;

/**
 * What {@link BundleErrors} remembers of a bundle it emitted: when its error was, its version and
 * how many events it had, so that events arriving later for its window emit a new version. A
 * Flink POJO, serialized without Kryo.
 */
public class EmittedBundle {

    public long anchorTime;
    public int version;
    public int events;

    public EmittedBundle() {}

    EmittedBundle(long anchorTime, int version, int events) {
        this.anchorTime = anchorTime;
        this.version = version;
        this.events = events;
    }
}
