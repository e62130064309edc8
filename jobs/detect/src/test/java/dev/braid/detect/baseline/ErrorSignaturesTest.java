package dev.braid.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

class ErrorSignaturesTest {

    /** The signature as first written: each replacement run over the whole line, in order. */
    private static final List<Replacement> REFERENCE = Stream.of(new String[][] {
            {"[a-zA-Z][a-zA-Z0-9+.-]*://\\S+", "<url>"},
            {"[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+", "<email>"},
            {"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "<uuid>"},
            {"\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?\\b", "<ip>"},
            {"(?<![\\w/])(/[\\w@.~-]+){2,}/?", "<path>"},
            {"[A-Za-z]:\\\\[^\\s:]+", "<path>"},
            {"\\b0x[0-9a-fA-F]+\\b", "<hex>"},
            {"\\b(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}\\b", "<hex>"},
            {"\\b(?=[A-Za-z0-9_-]*\\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}\\b", "<id>"},
            {"-?\\b\\d+(\\.\\d+)?\\b", "<n>"},
            {"\\s+", " "},
    }).map(regexAndWith -> new Replacement(Pattern.compile(regexAndWith[0]), regexAndWith[1])).toList();

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

    @Test
    void everyFixtureLineAndGeneratedMessageGetsTheSignatureOfTheRegexChain() {
        Stream.concat(FixtureStrings.fixtureLines(), FixtureStrings.generatedMessages(50_000)).forEach(message ->
                assertThat(ErrorSignatures.of(message)).as(message).isEqualTo(reference(message)));
    }

    private static String reference(String message) {
        String text = message.strip();
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        for (Replacement replacement : REFERENCE) {
            line = replacement.pattern().matcher(line).replaceAll(replacement.with());
        }
        line = line.strip();
        return line.length() > 300 ? line.substring(0, 300) : line;
    }

    private record Replacement(Pattern pattern, String with) {}
}
