package dev.braid.normalize.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.testing.SecretCorpus;
import dev.braid.testing.SecretCorpus.Lookalike;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The redactor on any text: it ends in bounded time without an exception, masks every secret of
 * the corpus whatever text surrounds it, leaves what it masked masked on a second pass, and lets
 * lookalikes through in any combination.
 */
class RedactorProperties {

    /** A hang detector, not a speed target. */
    private static final Duration BOUND = Duration.ofSeconds(20);

    private final Redactor redactor = new Redactor();

    @Property(tries = 1000)
    void everySecretIsMaskedWhateverTextSurroundsIt(
            @ForAll("secrets") SecretCorpus secret, @ForAll("text") String before, @ForAll("text") String after) {
        String redacted = redact(before + "\n" + secret.text() + "\n" + after);

        assertThat(redacted).doesNotContain(secret.secret()).contains(Redactor.MASK);
    }

    @Property(tries = 500)
    void everySecretIsMaskedInBytesOfAnyEncodingAround(
            @ForAll("secrets") SecretCorpus secret, @ForAll @Size(max = 200) byte[] before, @ForAll @Size(max = 200) byte[] after) {
        byte[] text = secret.text().getBytes(StandardCharsets.UTF_8);
        byte[] raw = new byte[before.length + text.length + after.length + 2];
        System.arraycopy(before, 0, raw, 0, before.length);
        raw[before.length] = '\n';
        System.arraycopy(text, 0, raw, before.length + 1, text.length);
        raw[before.length + 1 + text.length] = '\n';
        System.arraycopy(after, 0, raw, before.length + text.length + 2, after.length);

        byte[] redacted = assertTimeoutPreemptively(BOUND, () -> redactor.redact(raw));

        assertThat(new String(redacted, StandardCharsets.ISO_8859_1)).doesNotContain(secret.secret());
    }

    @Property(tries = 1000)
    void aSecondPassChangesNothing(@ForAll("textWithSecrets") String text) {
        String once = redact(text);

        assertThat(redact(once)).isEqualTo(once);
    }

    @Property(tries = 300)
    void lookalikesComeThroughInAnyCombination(@ForAll("lookalikes") List<Lookalike> lookalikes) {
        String text = String.join("\n", lookalikes.stream().map(Lookalike::text).toList());

        assertThat(redact(text)).isEqualTo(text);
    }

    @Property(tries = 1000)
    void anyTextEndsInBoundedTimeAndChangesOnlyByAMask(@ForAll @StringLength(max = 5000) String text) {
        String redacted = redact(text);

        if (!redacted.equals(text)) {
            assertThat(redacted).contains(Redactor.MASK);
        }
    }

    @Property(tries = 200)
    void textWithoutALetterOrColonIsReturnedAsItIs(@ForAll("lettersFree") String text) {
        assertThat(redact(text)).isSameAs(text);
    }

    private String redact(String text) {
        return assertTimeoutPreemptively(BOUND, () -> redactor.redact(text));
    }

    @Provide
    Arbitrary<SecretCorpus> secrets() {
        return Arbitraries.of(SecretCorpus.all());
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().ofMaxLength(300);
    }

    /** Secrets, lookalikes and arbitrary text, strung together with arbitrary separators. */
    @Provide
    Arbitrary<String> textWithSecrets() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of(SecretCorpus.all()).map(SecretCorpus::text),
                Arbitraries.of(SecretCorpus.lookalikes()).map(Lookalike::text),
                Arbitraries.strings().ofMaxLength(100));
        Arbitrary<String> separator = Arbitraries.of(" ", "\n", "&", "; ", "\\n", "\"", "=", ":", "");
        return piece.list().ofMaxSize(6).flatMap(pieces -> separator.list().ofSize(pieces.size()).map(separators -> {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < pieces.size(); i++) {
                text.append(pieces.get(i)).append(separators.get(i));
            }
            return text.toString();
        }));
    }

    /** No secret shape, and no word a rule looks for, is made of digits, blanks and these symbols. */
    @Provide
    Arbitrary<String> lettersFree() {
        return Arbitraries.strings().withChars("0123456789 \t\n,.;()[]{}#!?+*%").ofMaxLength(20_000);
    }

    @Provide
    Arbitrary<List<Lookalike>> lookalikes() {
        return Arbitraries.of(SecretCorpus.lookalikes()).list().ofMinSize(1).ofMaxSize(8);
    }
}
