package dev.braid.testing;

import java.util.List;
import java.util.function.Function;

/**
 * The redaction corpus of {@code fixtures/redaction/}: secret shapes in the context they appear
 * in ({@code secrets.tsv}), and lookalikes that hold no secret and must come through untouched
 * ({@code false-positives.tsv}). A {@code \n} in a text stands for a newline.
 */
public record SecretCorpus(String shape, String text, String secret) {

    /** A text that looks like a secret to a careless pattern. */
    public record Lookalike(String name, String text) {
        @Override
        public String toString() {
            return name;
        }
    }

    public static List<SecretCorpus> all() {
        return rows("fixtures/redaction/secrets.tsv", f -> new SecretCorpus(f[0], unescape(f[1]), f[2]));
    }

    public static List<Lookalike> lookalikes() {
        return rows("fixtures/redaction/false-positives.tsv", f -> new Lookalike(f[0], unescape(f[1])));
    }

    private static <T> List<T> rows(String fixture, Function<String[], T> row) {
        return Fixtures.lines(fixture).stream()
                .filter(line -> !line.startsWith("#"))
                .map(line -> row.apply(line.split("\t")))
                .toList();
    }

    private static String unescape(String text) {
        return text.replace("\\n", "\n");
    }

    @Override
    public String toString() {
        return shape;
    }
}
