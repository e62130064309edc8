package dev.braid.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.braid.schema.baseline.Bucket;
import dev.braid.schema.baseline.Series;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

class SketchesTest {

    private static final long MINUTE = 60_000;
    private static final long BUCKET = 5 * MINUTE;
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void measurementsLandInTheBucketOfTheirEventTimeAndInTheAllTimeSketch() {
        Series series = Sketches.emptySeries();
        for (int i = 0; i < 100; i++) {
            add(series, i % 10, 100.0 + i, false);
        }
        add(series, 7, null, true);

        assertThat(series.getCount()).isEqualTo(101);
        assertThat(series.getBad()).isEqualTo(1);
        assertThat(series.getRecent()).extracting(Bucket::getStart)
                .containsExactly(T0, T0.plusMillis(BUCKET));
        assertThat(series.getRecent()).extracting(Bucket::getCount).containsExactly(50L, 51L);
        assertThat(Sketches.quantile(List.of(series.getSketch()), 0.95)).isCloseTo(195, within(2.0));
    }

    @Test
    void onlyTheNewestBucketsAreKeptAndAnOutOfOrderMeasurementFindsItsBucket() {
        Series series = Sketches.emptySeries();
        add(series, 0, 10.0, false, 2);
        add(series, 10, 20.0, false, 2);
        add(series, 5, 15.0, false, 2);
        add(series, 20, 40.0, false, 2);

        assertThat(series.getRecent()).extracting(Bucket::getStart)
                .containsExactly(T0.plusMillis(2 * BUCKET), T0.plusMillis(4 * BUCKET));
        add(series, 1, 99.0, false, 2);
        assertThat(series.getRecent()).hasSize(2);
        assertThat(series.getCount()).isEqualTo(5);
    }

    @Test
    void quantilesMergeBucketsAndIgnoreEmptySketches() {
        Series series = Sketches.emptySeries();
        for (int i = 0; i < 20; i++) {
            add(series, 0, 100.0, false);
            add(series, 6, 200.0, false);
        }
        add(series, 12, null, true);

        List<ByteBuffer> sketches = series.getRecent().stream().map(Bucket::getSketch).toList();
        assertThat(Sketches.quantile(sketches, 0.25)).isCloseTo(100, within(1.0));
        assertThat(Sketches.quantile(sketches, 0.95)).isCloseTo(200, within(1.0));
        assertThat(Sketches.quantile(List.of(sketches.get(2)), 0.95)).isNaN();
    }

    private static void add(Series series, long minute, Double value, boolean bad) {
        add(series, minute, value, bad, 12);
    }

    private static void add(Series series, long minute, Double value, boolean bad, int maxBuckets) {
        Sketches.add(series, T0.plusMillis(minute * MINUTE), value, bad, BUCKET, maxBuckets);
    }
}
