package dev.braid.normalize.parse.ci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.schema.CiInstance;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.List;

/**
 * The EventBridge event AWS sends two minutes before it reclaims a spot instance. A WARN: the runner
 * on it is about to lose its job, which explains the CI failure or retry that follows.
 */
public final class Ec2SpotInterruptionParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String FORMAT = "ec2-spot-interruption";
    private static final String DETAIL_TYPE = "EC2 Spot Instance Interruption Warning";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(ParseInput input) {
        String text = input.text();
        return Json.looksLikeObject(text) && text.contains(DETAIL_TYPE);
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode event = Json.object(input.text());
        String detailType = Json.required(event, "detail-type", FORMAT);
        if (!DETAIL_TYPE.equals(detailType)) {
            throw ParseException.schemaViolation(
                    FORMAT + " expects detail-type '" + DETAIL_TYPE + "', got '" + detailType + "'");
        }
        JsonNode detail = event.get("detail");
        if (detail == null || !detail.isObject()) {
            throw ParseException.schemaViolation(FORMAT + " event lacks the 'detail' object");
        }
        String instanceId = Json.required(detail, "instance-id", FORMAT + " detail");
        String action = Json.required(detail, "instance-action", FORMAT + " detail");
        String region = Json.text(event, "region");

        NormalizedEvent.Builder draft = Drafts.draft("ci.spot_interruption", Level.WARN,
                "spot instance " + instanceId + (region == null ? "" : " in " + region)
                        + " will be interrupted (" + action + ") in two minutes");
        Drafts.time(draft, Times.required(event, "time", FORMAT));
        draft.setPayload(CiInstance.newBuilder()
                .setInstanceId(instanceId)
                .setEvent("interruption_warning")
                .setLifecycle("spot")
                .setAction(action)
                .setRegion(region)
                .build());
        Drafts.meta(draft, "account", Json.text(event, "account"));
        Drafts.meta(draft, "eventId", Json.text(event, "id"));
        return List.of(draft);
    }
}
