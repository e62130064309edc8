package dev.braid.normalize.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NetworkRequest;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.SecretCorpus;
import dev.braid.testing.SecretCorpus.Lookalike;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class RedactorTest {

    private final Redactor redactor = new Redactor();

    static List<SecretCorpus> corpus() {
        return SecretCorpus.all();
    }

    static List<Lookalike> lookalikes() {
        return SecretCorpus.lookalikes();
    }

    @Test
    void corpusHoldsAtLeastSixtyShapesWithTheIssuersUsersMeet() {
        List<String> texts = corpus().stream().map(SecretCorpus::text).toList();

        assertThat(corpus()).hasSizeGreaterThanOrEqualTo(60);
        assertThat(corpus()).extracting(SecretCorpus::shape).doesNotHaveDuplicates();
        for (String shape : List.of("AccountKey=", "hf_", "pypi-", "dckr_pat_", "shpat_", "ya29.", "xox", "sk_live_",
                "glpat-", "npm_", "SG.", "postgres://", "mysql://", "mongodb+srv://")) {
            assertThat(texts).as("a sample of %s", shape).anyMatch(text -> text.contains(shape));
        }
    }

    @ParameterizedTest
    @MethodSource("lookalikes")
    void textThatOnlyLooksLikeASecretComesThroughUntouched(Lookalike lookalike) {
        assertThat(redactor.redact(lookalike.text())).isEqualTo(lookalike.text());
    }

    @Test
    void aPrivateKeyCutOffInsideAJsonStringIsMaskedToTheCut() {
        String text = "{\"private_key_id\":\"k1\",\"pk\":\"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\nBKcwggSjAgEAAoIBAQC7";

        assertThat(redactor.redact(text)).isEqualTo(
                "{\"private_key_id\":\"k1\",\"pk\":\"-----BEGIN PRIVATE KEY-----[REDACTED]");
    }

    @Test
    void aPasswordInJsonNestedInJsonNestedInJsonIsMasked() {
        String twice = "{\"message\":\"{\\\"body\\\":\\\"{\\\\\\\"password\\\\\\\":\\\\\\\"deepPass77\\\\\\\"}\\\"}\"}";

        assertThat(redactor.redact(twice)).doesNotContain("deepPass77").contains("[REDACTED]\\\\\\\"}");
    }

    @Test
    void aSecretAtTheStartOfAnEscapedLineInJsonTextIsMasked() {
        assertThat(redactor.redact("{\"message\":\"deploy\\npassword: escLine42\\nghp_abcdefghijklmnopqrstuvwxyz0123456789\"}"))
                .isEqualTo("{\"message\":\"deploy\\npassword: [REDACTED]\\n[REDACTED]\"}");
    }

    @Test
    void aSecretThatATokenRanIntoIsMaskedInTheSameCall() {
        String glued = "slack client xoxb-1234567890-abcdefghij029_auth=lEPQ40ETuq5c1HBLWcN0D30K== ";

        assertThat(redactor.redact(glued)).isEqualTo("slack client [REDACTED]_auth=[REDACTED] ");
    }

    @Test
    void aQuotedPasswordEndsAtTheQuoteItOpenedWith() {
        assertThat(redactor.redact("export DB_PASSWORD=\"it's-Hunter2-secret\"")).isEqualTo("export DB_PASSWORD=\"[REDACTED]\"");
        assertThat(redactor.redact("PGPASSWORD='say \"hi\" Hunter3' psql")).isEqualTo("PGPASSWORD='[REDACTED]' psql");
    }

    /** Java's matcher recurses once per repetition of a group: values this long overflowed the stack. */
    @Test
    void longValuesAreMaskedWithoutOverflowingTheStack() {
        String value = "Ab1".repeat(70_000);
        String base64Lines = ("\n" + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7").repeat(4_000);

        assertThat(redactor.redact("X-Amz-Security-Token=" + value)).isEqualTo("X-Amz-Security-Token=[REDACTED]");
        assertThat(redactor.redact("{\"password\":\"" + value + "\"}")).isEqualTo("{\"password\":\"[REDACTED]\"}");
        assertThat(redactor.redact("DB_PASSWORD=\"" + value + "\"")).isEqualTo("DB_PASSWORD=\"[REDACTED]\"");
        assertThat(redactor.redact("password: " + value)).isEqualTo("password: [REDACTED]");
        assertThat(redactor.redact("{\"input_type\":\"password\",\"value\":\"" + value + "\"}"))
                .isEqualTo("{\"input_type\":\"password\",\"value\":\"[REDACTED]\"}");
        assertThat(redactor.redact("-----BEGIN PRIVATE KEY-----" + base64Lines)).isEqualTo("-----BEGIN PRIVATE KEY-----[REDACTED]");
    }

    /** Started at every boundary inside a run like a.a.a, the URL rule rescanned the run from each: a square of its length. */
    @Test
    void aLongDottedRunBeforeASchemeSeparatorIsScannedOnce() {
        String dotted = "a.".repeat(200_000) + "://x";

        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(20), () -> redactor.redact(dotted))).isEqualTo(dotted);
    }

    @Test
    void aSecretIsMaskedOnceWhateverRulesItMatches() {
        assertThat(redactor.redact("export GITHUB_TOKEN=\"ghp_abcdefghijklmnopqrstuvwxyz0123456789\""))
                .isEqualTo("export GITHUB_TOKEN=\"[REDACTED]\"");
        assertThat(redactor.redact("token=ghp_abcdefghijklmnopqrstuvwxyz0123456789")).isEqualTo("token=[REDACTED]");
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void everySecretShapeIsMaskedAndMarked(SecretCorpus entry) {
        String redacted = redactor.redact(entry.text());

        assertThat(redacted).doesNotContain(entry.secret()).contains("[REDACTED]");
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void secretsInNonUtf8BytesAreMaskedAndOtherBytesKept(SecretCorpus entry) {
        byte[] raw = concat(new byte[] {(byte) 0xC3, (byte) 0x28}, entry.text().getBytes(StandardCharsets.UTF_8));

        byte[] redacted = redactor.redact(raw);

        assertThat(new String(redacted, StandardCharsets.ISO_8859_1)).doesNotContain(entry.secret());
        assertThat(redacted[0]).isEqualTo((byte) 0xC3);
        assertThat(redacted[1]).isEqualTo((byte) 0x28);
    }

    @Test
    void headerShapeIsKeptSoReadersSeeSomethingWasThere() {
        assertThat(redactor.redact("Authorization: Bearer abcdefghijkl")).isEqualTo("Authorization: [REDACTED]");
        assertThat(redactor.redact("GET /x?token=abc123&page=2")).isEqualTo("GET /x?token=[REDACTED]&page=2");
        assertThat(redactor.redact("{\"password\":\"x1\",\"user\":\"ann\"}"))
                .isEqualTo("{\"password\":\"[REDACTED]\",\"user\":\"ann\"}");
    }

    @Test
    void textWithoutSecretsIsLeftAlone() {
        String text = "GET /api/orders 500 in 12 ms trace_id=4bf92f3577b34da6a3ce929d0e0e4736 tokens_in=1200";

        assertThat(redactor.redact(text)).isSameAs(text);
    }

    @Test
    void aKeyIsJudgedByItsLastDottedPartAsWell() {
        assertThat(redactor.redactValue("attr.http.request.header.cookie", "sid=3f9a0c7e41d2")).isEqualTo(Redactor.MASK);
        assertThat(redactor.redactValue("resource.x-api-key", "k-51f0e2d9c8b7")).isEqualTo(Redactor.MASK);
        assertThat(redactor.redactValue("resource.session.id", "s-41")).isEqualTo("s-41");
        assertThat(redactor.redactValue("attr.gen_ai.usage.input_tokens", "1200")).isEqualTo("1200");
    }

    @Test
    void recordRedactionReachesMessageMetadataAndPayloadHeaders() {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", "Bearer headerSecret123456");
        headers.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Map<String, String> metadata = new HashMap<>();
        metadata.put("db_password", "plain");
        metadata.put("tokens_in", "1200");
        NormalizedEvent event = NormalizedEvent.newBuilder()
                .setId("id").setEventTime(Instant.EPOCH).setIngestTime(Instant.EPOCH)
                .setSource(Source.BROWSER).setKind("network.request").setLevel(Level.INFO)
                .setKeys(CorrelationKeys.newBuilder().build())
                .setMessage("POST https://x.test/login?password=inUrl999")
                .setMetadata(metadata).setTags(new ArrayList<>())
                .setPayload(NetworkRequest.newBuilder().setUrl("https://x.test/login?password=inUrl999")
                        .setRequestHeaders(headers).build())
                .build();

        redactor.redactRecord(event);

        assertThat(event.getMessage()).isEqualTo("POST https://x.test/login?password=[REDACTED]");
        assertThat(event.getMetadata()).containsEntry("db_password", "[REDACTED]").containsEntry("tokens_in", "1200");
        NetworkRequest request = (NetworkRequest) event.getPayload();
        assertThat(request.getRequestHeaders()).containsEntry("Authorization", "[REDACTED]")
                .containsEntry("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(request.getUrl()).doesNotContain("inUrl999");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
