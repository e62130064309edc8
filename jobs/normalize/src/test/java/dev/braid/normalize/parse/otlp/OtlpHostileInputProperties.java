package dev.braid.normalize.parse.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.connectors.RawRecord;
import dev.braid.normalize.NormalizeConfig;
import dev.braid.normalize.functions.RawRecordNormalizer;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Source;
import dev.braid.testing.HostileInput.Mutation;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.regex.Pattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Whatever a record named as OpenTelemetry's holds, it ends in bounded time in events or in a
 * dead letter that says what was wrong with the record, never in a parser's exception (a dead
 * letter reading "parser failed"). The inputs are the SDK's real payloads, in both encodings,
 * mutated, and arbitrary bytes.
 */
class OtlpHostileInputProperties {

    private static final Pattern PARTLY_REJECTED = Pattern.compile("^\\d+ of \\d+ (spans|log records) rejected, .*", Pattern.DOTALL);
    private static final long KAFKA_TIME = Instant.parse("2026-11-21T23:00:00Z").toEpochMilli();
    private static final long NO_SIZE_LIMIT = 64L * 1024 * 1024;
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String PARSER_FAILED = "parser failed";

    /** A record's format and value. */
    record Named(String format, byte[] value) {}

    private static final List<Named> PAYLOADS = recordedPayloads();

    private final RawRecordNormalizer normalizer =
            new RawRecordNormalizer(NO_SIZE_LIMIT, NormalizeConfig.MAX_TIME_AHEAD.defaultValue());

    /** Fewer tries than the fixtures' property: four seeds, and a ten-megabyte dead letter takes seconds to redact. */
    @Property(tries = 150)
    void everyMutatedOtlpPayloadBecomesEventsOrADeadLetterWithAReason(
            @ForAll("payloads") Named payload, @ForAll Mutation mutation, @ForAll long randomSeed) {
        assertAccountedFor(normalize(payload.format(), mutation.apply(payload.value(), randomSeed)));
    }

    @Property(tries = 300)
    void arbitraryBytesNamedAsOtlpBecomeEventsOrADeadLetter(
            @ForAll("formats") String format, @ForAll @Size(max = 3000) byte[] value) {
        assertAccountedFor(normalize(format, value));
    }

    @Provide
    Arbitrary<Named> payloads() {
        return Arbitraries.of(PAYLOADS);
    }

    @Provide
    Arbitrary<String> formats() {
        return Arbitraries.of(OtlpParsers.SPANS, OtlpParsers.LOGS);
    }

    private RawRecordNormalizer.Result normalize(String format, byte[] value) {
        RawRecord raw = new RawRecord(Source.BACKEND, format, 0, 42, KAFKA_TIME, null, value, Map.of(ParseInput.FORMAT_HEADER, format));
        return assertTimeoutPreemptively(BOUND, () -> normalizer.normalize(raw));
    }

    private static void assertAccountedFor(RawRecordNormalizer.Result result) {
        DeadLetter deadLetter = result.deadLetter();
        if (deadLetter == null) {
            assertThat(result.events()).isNotEmpty();
            return;
        }
        assertThat(deadLetter.getDetail()).isNotBlank().doesNotStartWith(PARSER_FAILED);
        if (!result.events().isEmpty()) {
            // A mutation inside one span's or log record's ids rejects that item alone.
            assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
            assertThat(deadLetter.getDetail()).matches(PARTLY_REJECTED);
        }
    }

    private static List<Named> recordedPayloads() {
        try {
            OtlpTelemetry.Checkout checkout = OtlpTelemetry.checkout();
            return List.of(
                    new Named(OtlpParsers.SPANS, checkout.spans().protobuf()),
                    new Named(OtlpParsers.SPANS, checkout.spans().json()),
                    new Named(OtlpParsers.LOGS, checkout.logs().protobuf()),
                    new Named(OtlpParsers.LOGS, checkout.logs().json()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
