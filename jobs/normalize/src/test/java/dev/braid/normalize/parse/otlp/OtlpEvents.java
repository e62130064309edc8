package dev.braid.normalize.parse.otlp;

import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses OTLP payloads as the normalizer does and builds the drafts with a fixed id, source and
 * ingest time, so that tests can read and compare them whole.
 */
final class OtlpEvents {

    static final Instant INGEST_TIME = Instant.EPOCH;
    /** The event time of a draft that had none, which the normalizer would take from the Kafka timestamp. */
    static final Instant NO_EVENT_TIME = Instant.EPOCH;

    private OtlpEvents() {}

    static List<NormalizedEvent> spans(byte[] payload) throws ParseException {
        return built(OtlpParsers.parse(OtlpParsers.SPANS, payload).drafts());
    }

    static List<NormalizedEvent> logs(byte[] payload) throws ParseException {
        return built(OtlpParsers.parse(OtlpParsers.LOGS, payload).drafts());
    }

    /** The event of the span of that name. */
    static NormalizedEvent span(List<NormalizedEvent> events, String name) {
        return events.stream().filter(event -> name.equals(event.getMetadata().get("span.name"))).findFirst().orElseThrow();
    }

    /** The event of the log record of that message. */
    static NormalizedEvent log(List<NormalizedEvent> events, String message) {
        return events.stream().filter(event -> event.getMessage().equals(message)).findFirst().orElseThrow();
    }

    private static List<NormalizedEvent> built(List<NormalizedEvent.Builder> drafts) {
        List<NormalizedEvent> events = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            NormalizedEvent.Builder draft = drafts.get(i).setId("event-" + i).setSource(Source.BACKEND).setIngestTime(INGEST_TIME);
            if (!draft.hasEventTime()) {
                draft.setEventTime(NO_EVENT_TIME);
            }
            events.add(draft.build());
        }
        return events;
    }
}
