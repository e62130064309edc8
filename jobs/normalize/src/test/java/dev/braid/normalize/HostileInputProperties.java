package dev.braid.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.connectors.RawRecord;
import dev.braid.normalize.functions.RawRecordNormalizer;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Parsers;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.HostileInput;
import dev.braid.testing.HostileInput.Mutation;
import dev.braid.testing.HostileInput.Seed;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Whatever a raw topic holds, the normalize job's per-record work (decode, parse, complete,
 * redact) ends, in bounded time, in events or in a dead letter with a reason: never in an
 * exception that would fail the job, never in a hang that would stall it. The inputs are the
 * real-tool fixtures mutated ({@link HostileInput}), arbitrary text and arbitrary bytes, on
 * every source and with every format a shipper may name.
 */
class HostileInputProperties {

    private static final long KAFKA_TIME = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();
    /** Far above normalize's default, so that ten-megabyte fields reach the parsers instead of being cut. */
    private static final long NO_SIZE_LIMIT = 64L * 1024 * 1024;
    /** A hang detector, not a speed target: the slowest record here, with a 10 MB field, takes about 2 s. */
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final List<Seed> SEEDS = HostileInput.seeds();

    private final RawRecordNormalizer normalizer =
            new RawRecordNormalizer(NO_SIZE_LIMIT, NormalizeConfig.MAX_TIME_AHEAD.defaultValue());

    @Property(tries = 600)
    void everyMutatedFixtureRecordBecomesEventsOrADeadLetterWithAReason(
            @ForAll("seeds") Seed seed, @ForAll Mutation mutation, @ForAll long randomSeed) {
        byte[] value = mutation.apply(seed.value(), randomSeed);

        assertAccountedFor(normalize(seed.source(), value, Map.of()), value);
    }

    @Property(tries = 400)
    void everyFormatAShipperMayNameTakesAnyRecordOfItsSource(
            @ForAll("seedsWithAFormatOfTheirSource") SeedAndFormat named, @ForAll Mutation mutation, @ForAll long randomSeed) {
        byte[] value = mutation.apply(named.seed().value(), randomSeed);

        assertAccountedFor(normalize(named.seed().source(), value, Map.of(ParseInput.FORMAT_HEADER, named.format())), value);
    }

    @Property(tries = 1000)
    void arbitraryTextOnAnySourceBecomesEventsOrADeadLetter(@ForAll Source source, @ForAll @StringLength(max = 3000) String text) {
        byte[] value = text.getBytes(StandardCharsets.UTF_8);

        assertAccountedFor(normalize(source, value, Map.of()), value);
    }

    @Property(tries = 500)
    void arbitraryBytesOnAnySourceBecomeEventsOrADeadLetter(@ForAll Source source, @ForAll @Size(max = 3000) byte[] value) {
        assertAccountedFor(normalize(source, value, Map.of()), value);
    }

    private RawRecordNormalizer.Result normalize(Source source, byte[] value, Map<String, String> headers) {
        RawRecord raw = new RawRecord(source, "braid.raw." + source.name().toLowerCase(), 0, 42, KAFKA_TIME,
                "fuzz".getBytes(StandardCharsets.UTF_8), value, headers);
        return assertTimeoutPreemptively(BOUND, () -> normalizer.normalize(raw));
    }

    /** Blank (layout, counted), or events, or one dead letter with a reason and a detail. */
    private static void assertAccountedFor(RawRecordNormalizer.Result result, byte[] value) {
        if (result.blank()) {
            assertThat(new String(value, StandardCharsets.UTF_8)).isBlank();
            return;
        }
        DeadLetter deadLetter = result.deadLetter();
        if (deadLetter != null) {
            assertThat(result.events()).isEmpty();
            assertThat(deadLetter.getReason()).isNotNull();
            assertThat(deadLetter.getDetail()).isNotBlank();
            return;
        }
        assertThat(result.events()).isNotEmpty();
        for (NormalizedEvent event : result.events()) {
            assertThat(event.getId()).isNotBlank();
            assertThat(event.getEventTime()).isNotNull();
            assertThat(event.getKind()).isNotBlank();
        }
    }

    record SeedAndFormat(Seed seed, String format) {}

    @Provide
    Arbitrary<Seed> seeds() {
        return Arbitraries.of(SEEDS);
    }

    @Provide
    Arbitrary<SeedAndFormat> seedsWithAFormatOfTheirSource() {
        return Arbitraries.of(SEEDS).flatMap(seed -> Combinators.combine(Arbitraries.just(seed),
                Arbitraries.of(Parsers.bySource().get(seed.source()).names())).as(SeedAndFormat::new));
    }
}
