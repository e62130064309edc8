package dev.braid.cli.observe;

import dev.braid.schema.Fix;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FixSimilarityTest {

    private static final Fix UNDEFINED_ID = fix("fix-cart-render", "TypeError: Cannot read properties of undefined (reading 'id') at cart.ts:42");
    private static final Fix TIMEOUT = fix("fix-payment-timeout", "payment provider timed out after 3000 ms");

    @Test
    void theSameErrorWithOtherNumbersIsAnExactMatch() {
        FixSimilarity similarity = new FixSimilarity("TypeError: Cannot read properties of undefined (reading 'id') at cart.ts:97");

        assertThat(similarity.score(UNDEFINED_ID)).isEqualTo(1.0);
    }

    @Test
    void theTaskSignatureIsAnExactMatch() {
        assertThat(new FixSimilarity("fix-payment-timeout").score(TIMEOUT)).isEqualTo(1.0);
    }

    @Test
    void aSimilarErrorRanksAboveAnUnrelatedOne() {
        FixSimilarity similarity = new FixSimilarity("TypeError: Cannot read properties of undefined (reading 'name')");

        assertThat(similarity.score(UNDEFINED_ID)).isBetween(0.5, 0.99);
        assertThat(similarity.score(TIMEOUT)).isLessThan(0.1);
    }

    private static Fix fix(String signature, String error) {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        return Fix.newBuilder().setId(signature).setSignature(signature).setErrorEventId("e").setSuccessEventId("s")
                .setErrorTime(now).setSuccessTime(now.plusSeconds(60)).setTimeToFixMs(60_000).setError(error)
                .setFix("guarded the lookup").setTraceIds(List.of()).build();
    }
}
