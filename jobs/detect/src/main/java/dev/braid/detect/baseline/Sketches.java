package dev.braid.detect.baseline;

import dev.braid.schema.baseline.Bucket;
import dev.braid.schema.baseline.Series;

import com.tdunning.math.stats.MergingDigest;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Quantile sketches of the baseline state: t-digests kept as bytes inside Avro records, so that the
 * state stays an evolvable Avro type while the sketch library does the statistics.
 */
public final class Sketches {

    /** Centroids per digest: about 1 % error at p95 in under 1 KB. */
    private static final double COMPRESSION = 100;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private Sketches() {}

    /** A series with nothing in it yet. */
    public static Series emptySeries() {
        return Series.newBuilder().setCount(0).setBad(0).setSketch(EMPTY).setRecent(new ArrayList<>()).build();
    }

    /**
     * Adds one measurement at an event time: to the all-time sketch and to the bucket of its time,
     * keeping at most {@code maxBuckets} newest buckets. {@code value} may be null (counted, not
     * sketched).
     */
    public static Series add(Series series, Instant time, Double value, boolean bad, long bucketMillis, int maxBuckets) {
        series.setCount(series.getCount() + 1);
        series.setBad(series.getBad() + (bad ? 1 : 0));
        if (value != null) {
            series.setSketch(withValue(series.getSketch(), value));
        }
        long start = time.toEpochMilli() - Math.floorMod(time.toEpochMilli(), bucketMillis);
        List<Bucket> recent = series.getRecent();
        Bucket bucket = bucketAt(recent, start);
        if (bucket == null) {
            if (!recent.isEmpty() && start < recent.get(0).getStart().toEpochMilli() && recent.size() >= maxBuckets) {
                return series; // older than every kept bucket: only the all-time figures take it
            }
            bucket = Bucket.newBuilder().setStart(Instant.ofEpochMilli(start)).setCount(0).setBad(0).setSketch(EMPTY).build();
            insertInOrder(recent, bucket);
            while (recent.size() > maxBuckets) {
                recent.remove(0);
            }
        }
        bucket.setCount(bucket.getCount() + 1);
        bucket.setBad(bucket.getBad() + (bad ? 1 : 0));
        if (value != null) {
            bucket.setSketch(withValue(bucket.getSketch(), value));
        }
        return series;
    }

    /** The q-quantile of the sketches together, or NaN when none holds a value. */
    public static double quantile(Collection<ByteBuffer> sketches, double q) {
        List<MergingDigest> digests = new ArrayList<>();
        for (ByteBuffer sketch : sketches) {
            if (sketch.remaining() > 0) {
                digests.add(decode(sketch));
            }
        }
        if (digests.isEmpty()) {
            return Double.NaN;
        }
        MergingDigest merged = new MergingDigest(COMPRESSION);
        merged.add(digests);
        return merged.quantile(q);
    }

    private static Bucket bucketAt(List<Bucket> recent, long start) {
        for (Bucket bucket : recent) {
            if (bucket.getStart().toEpochMilli() == start) {
                return bucket;
            }
        }
        return null;
    }

    private static void insertInOrder(List<Bucket> recent, Bucket bucket) {
        int at = recent.size();
        while (at > 0 && recent.get(at - 1).getStart().isAfter(bucket.getStart())) {
            at--;
        }
        recent.add(at, bucket);
    }

    private static ByteBuffer withValue(ByteBuffer sketch, double value) {
        MergingDigest digest = sketch.remaining() > 0 ? decode(sketch) : new MergingDigest(COMPRESSION);
        digest.add(value);
        ByteBuffer bytes = ByteBuffer.allocate(digest.smallByteSize());
        digest.asSmallBytes(bytes);
        bytes.flip();
        return bytes;
    }

    private static MergingDigest decode(ByteBuffer sketch) {
        return MergingDigest.fromBytes(sketch.duplicate());
    }
}
