package dev.braid.normalize.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.time.Instant;

class TimestampsTest {

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void aTimeOfDayTakesTheShippingDay() {
        assertThat(Timestamps.timeOfDay("10:01:00.160", at("2026-12-07T10:01:02Z"))).isEqualTo(at("2026-12-07T10:01:00.160Z"));
    }

    @Test
    void aLineOfLastEveningShippedAfterMidnightIsOfTheDayBefore() {
        assertThat(Timestamps.timeOfDay("23:59:59.900", at("2026-12-07T00:00:00.100Z"))).isEqualTo(at("2026-12-06T23:59:59.900Z"));
        assertThat(Timestamps.timeOfDay("22:00:00.000", at("2026-12-07T01:00:00Z")))
                .as("history shipped three hours late, after midnight").isEqualTo(at("2026-12-06T22:00:00Z"));
    }

    @Test
    void aLineJustAfterMidnightOnAClockAheadOfTheShippersIsOfTheNextDay() {
        assertThat(Timestamps.timeOfDay("00:00:01.000", at("2026-12-06T23:59:58Z"))).isEqualTo(at("2026-12-07T00:00:01Z"));
    }

    @Test
    void aTimeThatIsNoTimeOfDayHasNoTime() {
        assertThat(Timestamps.timeOfDay("25:61:00", at("2026-12-07T10:00:00Z"))).isEqualTo(Drafts.NO_TIME);
    }
}
