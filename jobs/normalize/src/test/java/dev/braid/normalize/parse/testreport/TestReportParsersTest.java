package dev.braid.normalize.parse.testreport;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.SourceParser;
import dev.braid.schema.DeadLetterReason;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;

import static dev.braid.normalize.parse.SourceRecords.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestReportParsersTest {

    private final SourceParser parsers = new SourceParser(TestReportParsers.all());

    @ParameterizedTest
    @CsvSource({
            "jest-report.json, jest",
            "jest-suite-errors.json, jest",
            "go-test.jsonl, go-test",
            "go-test-build-failure.jsonl, go-test",
            "go-test-build-failure-go1.19.jsonl, go-test",
            "pytest-junit.xml, junit-xml",
            "surefire-outcomes.xml, junit-xml",
            "surefire-report.xml, junit-xml"})
    void eachReportIsRecognisedWithoutAFormatHeader(String fixture, String format) throws ParseException {
        ParseInput input = input(Fixtures.text("fixtures/test/" + fixture));

        assertThat(parsers.parse(input)).isNotEmpty()
                .allSatisfy(draft -> assertThat(draft.getTags()).containsExactly("format:" + format));
    }

    @Test
    void theParsersSurviveJavaSerializationAsFlinkShipsThem() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(parsers);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            SourceParser copy = (SourceParser) in.readObject();
            ParseInput input = input(Fixtures.text("fixtures/test/pytest-junit.xml"));
            assertThat(copy.parse(input)).hasSize(12);
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theFormatHeaderPicksTheParserEvenForABrokenReport() {
        ParseInput input = new ParseInput("{\"numTotalTests\":3}", Map.of(ParseInput.FORMAT_HEADER, "jest"), 0L);

        assertThatThrownBy(() -> parsers.parse(input))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION));
    }

    @Test
    void plainTextIsNoTestReport() {
        ParseInput input = input("PASS  src/app.test.js\n  ✓ renders (3 ms)\n");

        assertThatThrownBy(() -> parsers.parse(input))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT);
                    assertThat(e).hasMessage("matches none of the formats [jest, go-test, junit-xml]");
                });
    }
}
