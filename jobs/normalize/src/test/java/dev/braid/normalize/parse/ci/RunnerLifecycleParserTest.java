package dev.braid.normalize.parse.ci;

import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.CiInstance;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.braid.normalize.parse.SourceRecords.input;
import static dev.braid.normalize.parse.SourceRecords.parseOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunnerLifecycleParserTest {

    private static final List<String> RECORDS = Fixtures.lines("fixtures/ci/runner-lifecycle.jsonl");

    private final RunnerLifecycleParser parser = new RunnerLifecycleParser();

    @Test
    void everyRecordIsAnInfoInstanceEventOfTheSameJob() throws ParseException {
        List<NormalizedEvent.Builder> drafts = new ArrayList<>();
        for (String line : RECORDS) {
            assertThat(parser.accepts(input(line))).isTrue();
            drafts.add(parseOne(parser, line));
        }

        assertThat(drafts).hasSize(4);
        assertThat(drafts).extracting(NormalizedEvent.Builder::getKind).containsOnly("ci.instance");
        assertThat(drafts).extracting(NormalizedEvent.Builder::getLevel).containsOnly(Level.INFO);
        assertThat(drafts).extracting(d -> d.getKeysBuilder().getJobId()).containsOnly("289782451");
        assertThat(drafts).extracting(d -> ((CiInstance) d.getPayload()).getEvent())
                .containsExactly("launched", "terminated", "launched", "terminated");
        assertThat(drafts).extracting(NormalizedEvent.Builder::getEventTime).containsExactly(
                Instant.parse("2026-11-21T16:51:12.418Z"),
                Instant.parse("2026-11-21T17:00:00Z"),
                Instant.parse("2026-11-21T17:00:41.907Z"),
                Instant.parse("2026-11-21T17:06:03.150Z"));
    }

    @Test
    void spotLaunchCarriesTypePriceAndPlacement() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, RECORDS.get(0));

        CiInstance instance = (CiInstance) draft.getPayload();
        assertThat(instance.getInstanceId()).isEqualTo("i-1234567890abcdef0");
        assertThat(instance.getInstanceType()).isEqualTo("c6i.large");
        assertThat(instance.getLifecycle()).isEqualTo("spot");
        assertThat(instance.getHourlyPriceUsd()).isEqualTo(0.0376);
        assertThat(instance.getRegion()).isEqualTo("us-east-2");
        assertThat(instance.getAction()).isNull();
        assertThat(draft.getMessage()).isEqualTo("runner braid-runner-i-1234567890abcdef0 launched:"
                + " spot c6i.large i-1234567890abcdef0 in us-east-2b at $0.0376/h");
        assertThat(draft.getMetadata())
                .containsEntry("availabilityZone", "us-east-2b")
                .containsEntry("runnerName", "braid-runner-i-1234567890abcdef0");
    }

    @Test
    void terminationKeepsItsReason() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, RECORDS.get(1));

        assertThat(draft.getMetadata()).containsEntry("reason", "spot-interruption");
        assertThat(draft.getMessage()).endsWith("(spot-interruption)");
    }

    @Test
    void onDemandReplacementIsRecognised() throws ParseException {
        CiInstance instance = (CiInstance) parseOne(parser, RECORDS.get(2)).getPayload();

        assertThat(instance.getLifecycle()).isEqualTo("on-demand");
        assertThat(instance.getHourlyPriceUsd()).isEqualTo(0.085);
    }

    @Test
    void minimalRecordNeedsOnlyTypeInstanceLifecycleAndTime() throws ParseException {
        NormalizedEvent.Builder draft = parseOne(parser, "{\"type\":\"runner.terminated\",\"instance_id\":\"i-0f\","
                + "\"lifecycle\":\"spot\",\"time\":\"2026-11-21T17:00:00Z\"}");

        assertThat(draft.getMessage()).isEqualTo("runner terminated: spot i-0f");
        assertThat(draft.getKeysBuilder().getJobId()).isNull();
    }

    @Test
    void unknownLifecycleIsRejectedNamingTheAllowedValues() {
        String reserved = RECORDS.get(0).replace("\"lifecycle\":\"spot\"", "\"lifecycle\":\"reserved\"");

        assertThatThrownBy(() -> parser.parse(input(reserved)))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessage("runner-lifecycle field 'lifecycle' must be 'spot' or 'on-demand', got 'reserved'");
    }

    @Test
    void unknownRunnerEventIsRejected() {
        String stopped = RECORDS.get(1).replace("runner.terminated", "runner.stopped");

        assertThatThrownBy(() -> parser.parse(input(stopped))).hasMessage(
                "runner-lifecycle field 'type' must be 'runner.launched' or 'runner.terminated', got 'runner.stopped'");
    }

    @Test
    void priceMustBeANonNegativeNumber() {
        String quoted = RECORDS.get(0).replace("\"hourly_price_usd\":0.0376", "\"hourly_price_usd\":\"0.0376\"");

        assertThatThrownBy(() -> parser.parse(input(quoted))).hasMessage(
                "runner-lifecycle field 'hourly_price_usd' must be a non-negative number, got \"0.0376\"");
    }

    @Test
    void recordWithoutInstanceIdOrTimeIsRejected() {
        String noInstance = RECORDS.get(0).replace("\"instance_id\":\"i-1234567890abcdef0\",", "");
        String noTime = RECORDS.get(0).replace(",\"time\":\"2026-11-21T16:51:12.418Z\"", "");

        assertThatThrownBy(() -> parser.parse(input(noInstance)))
                .hasMessage("runner-lifecycle record lacks required field 'instance_id'");
        assertThatThrownBy(() -> parser.parse(input(noTime)))
                .hasMessage("runner-lifecycle record lacks required field 'time'");
    }

    @Test
    void epochSecondsAreNotMistakenForMilliseconds() {
        String seconds = RECORDS.get(1).replace("1795280400000", "1795280400");

        assertThatThrownBy(() -> parser.parse(input(seconds))).hasMessage(
                "runner-lifecycle field 'time' must be epoch milliseconds, got 1795280400 (epoch seconds?)");
    }

    @Test
    void truncatedRecordIsUnparseable() {
        assertThatThrownBy(() -> parser.parse(input(RECORDS.get(0).substring(0, 60))))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE));
    }
}
