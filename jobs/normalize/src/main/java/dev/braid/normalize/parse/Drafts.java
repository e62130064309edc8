package dev.braid.normalize.parse;

import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.ArrayList;
import java.util.HashMap;

/** Starts event drafts with every collection mutable and every key empty. */
public final class Drafts {

    /** A time a parser could not read; such drafts keep no event time and get the Kafka timestamp. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private Drafts() {}

    public static NormalizedEvent.Builder draft(String kind, Level level, String message) {
        return NormalizedEvent.newBuilder()
                .setKind(kind)
                .setLevel(level)
                .setMessage(message == null ? "" : message)
                .setKeysBuilder(CorrelationKeys.newBuilder())
                .setMetadata(new HashMap<>())
                .setTags(new ArrayList<>());
    }

    /** Sets the event time unless it is {@link #NO_TIME}. */
    public static void time(NormalizedEvent.Builder draft, long epochMillis) {
        if (epochMillis != NO_TIME) {
            draft.setEventTime(java.time.Instant.ofEpochMilli(epochMillis));
        }
    }

    /** Puts a metadata entry when the value is present. */
    public static void meta(NormalizedEvent.Builder draft, String key, Object value) {
        if (value != null) {
            String text = value.toString();
            if (!text.isEmpty()) {
                draft.getMetadata().put(key, text);
            }
        }
    }
}
