package dev.braid.normalize.parse.ci;

import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.CiInstance;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.braid.normalize.parse.SourceRecords.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ec2SpotInterruptionParserTest {

    private static final String WARNING = Fixtures.text("fixtures/ci/ec2-spot-interruption.json");

    private final Ec2SpotInterruptionParser parser = new Ec2SpotInterruptionParser();

    @Test
    void interruptionWarningIsAWarningAboutThatSpotInstance() throws ParseException {
        assertThat(parser.accepts(input(WARNING))).isTrue();
        List<NormalizedEvent.Builder> drafts = parser.parse(input(WARNING));

        assertThat(drafts).hasSize(1);
        NormalizedEvent.Builder draft = drafts.get(0);
        assertThat(draft.getKind()).isEqualTo("ci.spot_interruption");
        assertThat(draft.getLevel()).isEqualTo(Level.WARN);
        assertThat(draft.getEventTime()).isEqualTo(Instant.parse("2026-11-21T16:58:00Z"));
        assertThat(draft.getMessage())
                .isEqualTo("spot instance i-1234567890abcdef0 in us-east-2 will be interrupted (terminate) in two minutes");
        CiInstance instance = (CiInstance) draft.getPayload();
        assertThat(instance.getInstanceId()).isEqualTo("i-1234567890abcdef0");
        assertThat(instance.getEvent()).isEqualTo("interruption_warning");
        assertThat(instance.getLifecycle()).isEqualTo("spot");
        assertThat(instance.getAction()).isEqualTo("terminate");
        assertThat(instance.getRegion()).isEqualTo("us-east-2");
        assertThat(draft.getMetadata())
                .containsEntry("account", "123456789012")
                .containsEntry("eventId", "12345678-1234-1234-1234-123456789012");
    }

    @Test
    void hibernateActionIsKept() throws ParseException {
        String hibernate = WARNING.replace("\"instance-action\": \"terminate\"", "\"instance-action\": \"hibernate\"");

        CiInstance instance = (CiInstance) parser.parse(input(hibernate)).get(0).getPayload();

        assertThat(instance.getAction()).isEqualTo("hibernate");
    }

    @Test
    void otherEventBridgeEventsAreNotAccepted() {
        String rebalance = WARNING.replace("EC2 Spot Instance Interruption Warning",
                "EC2 Instance Rebalance Recommendation");

        assertThat(parser.accepts(input(rebalance))).isFalse();
        assertThatThrownBy(() -> parser.parse(input(rebalance))).hasMessage(
                "ec2-spot-interruption expects detail-type 'EC2 Spot Instance Interruption Warning',"
                        + " got 'EC2 Instance Rebalance Recommendation'");
    }

    @Test
    void warningWithoutInstanceIdIsASchemaViolation() {
        String broken = WARNING.replace("\"instance-id\": \"i-1234567890abcdef0\",", "");

        assertThatThrownBy(() -> parser.parse(input(broken)))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION))
                .hasMessage("ec2-spot-interruption detail record lacks required field 'instance-id'");
    }

    @Test
    void placeholderTimeFromTheAwsDocsIsRejected() {
        String placeholder = WARNING.replace("2026-11-21T16:58:00Z", "yyyy-mm-ddThh:mm:ssZ");

        assertThatThrownBy(() -> parser.parse(input(placeholder))).hasMessage(
                "ec2-spot-interruption field 'time' must be an ISO-8601 time or epoch milliseconds,"
                        + " got \"yyyy-mm-ddThh:mm:ssZ\"");
    }

    @Test
    void truncatedEventIsUnparseable() {
        assertThatThrownBy(() -> parser.parse(input(WARNING.substring(0, 200))))
                .isInstanceOfSatisfying(ParseException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE));
    }
}
