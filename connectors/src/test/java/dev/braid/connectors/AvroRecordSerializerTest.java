package dev.braid.connectors;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class AvroRecordSerializerTest {

    private static final long PUBLISHED = 1_795_255_200_000L;
    private static final long DAY = Duration.ofDays(1).toMillis();

    @Test
    void aRecordOfNowKeepsItsOwnTimeAsKafkaTimestamp() {
        assertThat(AvroRecordSerializer.kafkaTimestamp(PUBLISHED - 5_000, PUBLISHED)).isEqualTo(PUBLISHED - 5_000);
    }

    @Test
    void historyPublishedTodayIsStampedADayBackSoRetentionDoesNotDeleteItAtOnce() {
        long lastMonth = PUBLISHED - 30 * DAY;

        assertThat(AvroRecordSerializer.kafkaTimestamp(lastMonth, PUBLISHED)).isEqualTo(PUBLISHED - DAY);
    }

    @Test
    void aRecordFromTheFutureIsStampedWithItsPublicationWhichBrokersAccept() {
        assertThat(AvroRecordSerializer.kafkaTimestamp(PUBLISHED + 2 * DAY, PUBLISHED)).isEqualTo(PUBLISHED);
    }
}
