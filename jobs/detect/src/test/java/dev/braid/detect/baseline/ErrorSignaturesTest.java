package dev.braid.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorSignaturesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "order 1234 not found                                   | order <n> not found",
            "order 99 not found                                     | order <n> not found",
            "user 3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b has no cart  | user <uuid> has no cart",
            "ENOENT: no such file or directory, open '/var/app/uploads/a.png' | ENOENT: no such file or directory, open '<path>'",
            "upstream https://pay.example.com/v1/charges?id=7 timed out after 3000ms | upstream <url> timed out after 3000ms",
            "connect ECONNREFUSED 10.0.3.7:5432                     | connect ECONNREFUSED <ip>",
            "commit 9c1e5f0a7b rejected by bob@example.com          | commit <hex> rejected by <email>",
            "session aZ3kP9qL2mN8xR4tV7wY1b expired                 | session <id> expired",
            "TypeError: Cannot read properties of undefined (reading 'total') | TypeError: Cannot read properties of undefined (reading 'total')",
    })
    void whatVariesBetweenOccurrencesIsReplaced(String message, String signature) {
        assertThat(ErrorSignatures.of(message)).isEqualTo(signature);
    }

    @Test
    void onlyTheFirstLineCountsSoStackTracesDoNotSplitAnError() {
        assertThat(ErrorSignatures.of("java.lang.IllegalStateException: cart 17 is empty\n\tat shop.Cart.checkout(Cart.java:88)"))
                .isEqualTo("java.lang.IllegalStateException: cart <n> is empty");
    }
}
