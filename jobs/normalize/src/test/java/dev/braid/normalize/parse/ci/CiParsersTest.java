package dev.braid.normalize.parse.ci;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.SourceParser;
import dev.braid.schema.DeadLetterReason;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static dev.braid.normalize.parse.SourceRecords.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CiParsersTest {

    private final SourceParser ci = new SourceParser(CiParsers.all());

    private String formatOf(String fixture) throws ParseException {
        String text = fixture.endsWith(".jsonl") ? Fixtures.lines(fixture).get(0) : Fixtures.text(fixture);
        return ci.parse(input(text)).get(0).getTags().get(0);
    }

    @Test
    void eachCiFixtureIsRecognisedWithoutAFormatHeader() throws ParseException {
        assertThat(formatOf("fixtures/ci/workflow_job-queued.json")).isEqualTo("format:github-workflow-job");
        assertThat(formatOf("fixtures/ci/workflow_job-completed-failure.json")).isEqualTo("format:github-workflow-job");
        assertThat(formatOf("fixtures/ci/ec2-spot-interruption.json")).isEqualTo("format:ec2-spot-interruption");
        assertThat(formatOf("fixtures/ci/runner-lifecycle.jsonl")).isEqualTo("format:runner-lifecycle");
    }

    @Test
    void pushPayloadIsNotACiFormat() {
        assertThatThrownBy(() -> ci.parse(input(Fixtures.text("fixtures/ci/push.json"))))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT));
    }
}
