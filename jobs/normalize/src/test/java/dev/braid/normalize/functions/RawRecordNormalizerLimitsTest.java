package dev.braid.normalize.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.RawRecord;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Source;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Whatever the record limit, nothing normalize publishes is larger than a Kafka record may be by
 * default: one such record would fail its sink, and the job, after every restart. Found by the
 * fuzz run, whose ten-megabyte records became dead letters of a megabyte and a bit.
 */
class RawRecordNormalizerLimitsTest {

    private static final long KAFKA_TIME = 1_795_255_200_000L;
    private static final long SIXTY_FOUR_MIB = 64L * 1024 * 1024;

    @Test
    void aDeadLetterKeepsAQuarterMegabyteOfItsRawValue() {
        byte[] value = ("{" + "x".repeat(10 * 1024 * 1024)).getBytes(StandardCharsets.UTF_8);

        DeadLetter letter = new RawRecordNormalizer(1024 * 1024, Duration.ofMinutes(10)).normalize(raw(Source.BROWSER, value)).deadLetter();

        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.OVERSIZED);
        assertThat(letter.getTruncated()).isTrue();
        assertThat(letter.getRawValue().remaining()).isEqualTo(RawRecordNormalizer.MAX_DEAD_LETTER_RAW_BYTES);
        assertThat(AvroRecords.encode(letter).length).isLessThan(RawRecordNormalizer.MAX_EVENT_BYTES);
    }

    @Test
    void anEventLargerThanAKafkaRecordIsADeadLetterNotAFailedSink() {
        String line = "{\"level\":50,\"time\":1795255200000,\"msg\":\"" + "y".repeat(2 * 1024 * 1024) + "\"}";

        RawRecordNormalizer.Result result = new RawRecordNormalizer(SIXTY_FOUR_MIB, Duration.ofMinutes(10))
                .normalize(raw(Source.BACKEND, line.getBytes(StandardCharsets.UTF_8)));

        assertThat(result.events()).isEmpty();
        assertThat(result.deadLetter().getReason()).isEqualTo(DeadLetterReason.OVERSIZED);
        assertThat(result.deadLetter().getDetail()).startsWith("its log event is ")
                .endsWith(" bytes, more than the " + RawRecordNormalizer.MAX_EVENT_BYTES + " a Kafka record may hold by default");
    }

    @Test
    void anEventJustUnderTheLimitIsPublished() {
        String line = "{\"level\":30,\"time\":1795255200000,\"msg\":\"" + "z".repeat(RawRecordNormalizer.MAX_EVENT_BYTES / 2) + "\"}";

        RawRecordNormalizer.Result result = new RawRecordNormalizer(SIXTY_FOUR_MIB, Duration.ofMinutes(10))
                .normalize(raw(Source.BACKEND, line.getBytes(StandardCharsets.UTF_8)));

        assertThat(result.deadLetter()).isNull();
        assertThat(AvroRecords.encode(result.events().get(0)).length).isLessThanOrEqualTo(RawRecordNormalizer.MAX_EVENT_BYTES);
    }

    private static RawRecord raw(Source source, byte[] value) {
        return new RawRecord(source, "braid.raw." + source.name().toLowerCase(), 0, 7, KAFKA_TIME,
                "k".getBytes(StandardCharsets.UTF_8), value, Map.of());
    }
}
