package dev.braid.normalize.redact;

import dev.braid.testing.Fixtures;

import java.util.List;

/** The redaction corpus, {@code fixtures/redaction/secrets.tsv}: 40 secret shapes in context. */
public record SecretCorpus(String shape, String text, String secret) {

    public static List<SecretCorpus> all() {
        return Fixtures.lines("fixtures/redaction/secrets.tsv").stream()
                .filter(line -> !line.startsWith("#"))
                .map(line -> line.split("\t"))
                .map(f -> new SecretCorpus(f[0], f[1].replace("\\n", "\n"), f[2]))
                .toList();
    }

    @Override
    public String toString() {
        return shape;
    }
}
