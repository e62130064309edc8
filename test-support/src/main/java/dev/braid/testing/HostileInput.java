package dev.braid.testing;

import dev.braid.schema.Source;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hostile raw records made from the real-tool fixtures: each fixture record (a line of a log, a
 * whole report or webhook body) with one {@link Mutation} applied. Shared by the parsers' jqwik
 * properties and the fuzz run, which pushes a million of them through the normalize job.
 */
public final class HostileInput {

    /** Ten megabytes: a field no real record holds, and ten times normalize's default record limit. */
    public static final int HUGE_FIELD_BYTES = 10 * 1024 * 1024;
    /** Deeper than any parser's recursion may go. */
    public static final int DEEP_NESTING = 10_000;

    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern EPOCH = Pattern.compile("\\b1\\d{9}(\\d{3})?(\\d{3})?(\\d{3})?\\b");
    private static final byte[][] MALFORMED_SEQUENCES = {
        {(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88},
        {(byte) 0xE2, (byte) 0x82}, {(byte) 0xC0, (byte) 0xAF}};

    private HostileInput() {}

    /** One fixture record of one source. */
    public record Seed(Source source, String fixture, byte[] value) {
        @Override
        public String toString() {
            return source + " " + fixture + " (" + value.length + " bytes)";
        }
    }

    /** Every record of every fixture, as its shipper sends it. */
    public static List<Seed> seeds() {
        List<Seed> seeds = new ArrayList<>();
        for (String fixture : ToolFixtures.LINE_FIXTURES) {
            for (String line : Fixtures.lines("fixtures/" + fixture)) {
                seeds.add(new Seed(ToolFixtures.sourceOf(fixture), fixture, line.getBytes(StandardCharsets.UTF_8)));
            }
        }
        for (String entry : ToolFixtures.WHOLE_FILE_FIXTURES) {
            String fixture = ToolFixtures.path(entry);
            seeds.add(new Seed(ToolFixtures.sourceOf(entry), fixture, Fixtures.bytes("fixtures/" + fixture)));
        }
        return seeds;
    }

    /** What is done to a fixture record. Each is deterministic for a given {@link Random}. */
    public enum Mutation {
        AS_IS {
            @Override
            byte[] mutate(byte[] seed, Random random) {
                return seed;
            }
        },
        TRUNCATED {
            @Override
            byte[] mutate(byte[] seed, Random random) {
                return Arrays.copyOf(seed, random.nextInt(seed.length + 1));
            }
        },
        BIT_FLIPS {
            @Override
            byte[] mutate(byte[] seed, Random random) {
                byte[] flipped = seed.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips && flipped.length > 0; i++) {
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return flipped;
            }
        },
        INVALID_UTF8 {
            @Override
            byte[] mutate(byte[] seed, Random random) {
                return insert(seed, random.nextInt(seed.length + 1), MALFORMED_SEQUENCES[random.nextInt(MALFORMED_SEQUENCES.length)]);
            }
        },
        NUL_BYTES {
            @Override
            byte[] mutate(byte[] seed, Random random) {
                return insert(seed, random.nextInt(seed.length + 1), new byte[1 + random.nextInt(4)]);
            }
        },
        /** A field of ten megabytes: inside the first string value when there is one. */
        HUGE_FIELD {
            @Override
            byte[] mutate(byte[] seed, Random random) {
                byte[] field = new byte[HUGE_FIELD_BYTES];
                Arrays.fill(field, (byte) ('a' + random.nextInt(26)));
                int quote = indexOf(seed, (byte) '"');
                return insert(seed, quote >= 0 ? quote + 1 : random.nextInt(seed.length + 1), field);
            }
        },
        /** The record inside ten thousand JSON arrays, JSON objects or XML elements. */
        DEEP_NESTING {
            private final String[][] shapes = {{"[", "]"}, {"{\"a\":", "}"}, {"<a>", "</a>"}};

            @Override
            byte[] mutate(byte[] seed, Random random) {
                String[] shape = shapes[random.nextInt(shapes.length)];
                String text = shape[0].repeat(HostileInput.DEEP_NESTING) + text(seed).replaceFirst("<\\?xml[^>]*\\?>", "")
                        + shape[1].repeat(HostileInput.DEEP_NESTING);
                return text.getBytes(StandardCharsets.UTF_8);
            }
        },
        /** The "billion laughs": entities that expand to gigabytes if a parser lets them. */
        XML_ENTITY_EXPANSION {
            @Override
            byte[] mutate(byte[] seed, Random random) {
                StringBuilder doctype = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n");
                for (int i = 1; i <= 9; i++) {
                    doctype.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10))
                            .append("\">\n");
                }
                doctype.append("<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n");
                String body = text(seed).replaceFirst("<\\?xml[^>]*\\?>", "");
                int firstClose = body.indexOf('>');
                String laughs = firstClose > 0
                        ? body.substring(0, firstClose + 1) + "&lol9;&xxe;" + body.substring(firstClose + 1)
                        : "<testsuite>&lol9;&xxe;" + body + "</testsuite>";
                return (doctype + laughs).getBytes(StandardCharsets.UTF_8);
            }
        },
        /** Every number too large or too small for any type a parser reads it into. */
        NUMBERS_OUT_OF_RANGE {
            private final String[] outOfRange = {"99999999999999999999999999999", "-9223372036854775809", "1e999", "-1e-999", "1E+400"};

            @Override
            byte[] mutate(byte[] seed, Random random) {
                return replaceAll(seed, DIGITS, match -> outOfRange[random.nextInt(outOfRange.length)]);
            }
        },
        YEAR_0 {
            @Override
            byte[] mutate(byte[] seed, Random random) {
                return replaceAll(replaceAll(seed, ISO_DATE, match -> "0000-01-01"), EPOCH, match -> "-62167219200000");
            }
        },
        YEAR_9999 {
            @Override
            byte[] mutate(byte[] seed, Random random) {
                return replaceAll(replaceAll(seed, ISO_DATE, match -> "9999-12-31"), EPOCH, match -> "253402300799999");
            }
        };

        abstract byte[] mutate(byte[] seed, Random random);

        /** The seed mutated; the same random seed gives the same bytes. */
        public byte[] apply(byte[] seed, long randomSeed) {
            return mutate(seed, new Random(randomSeed));
        }
    }

    private static byte[] insert(byte[] into, int at, byte[] what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(into.length + what.length);
        out.write(into, 0, at);
        out.write(what, 0, what.length);
        out.write(into, at, into.length - at);
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] replaceAll(byte[] seed, Pattern pattern, Function<String, String> replacement) {
        Matcher matcher = pattern.matcher(text(seed));
        return matcher.replaceAll(match -> Matcher.quoteReplacement(replacement.apply(match.group())))
                .getBytes(StandardCharsets.UTF_8);
    }
}
