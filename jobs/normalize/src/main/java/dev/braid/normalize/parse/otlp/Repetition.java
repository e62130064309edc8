package dev.braid.normalize.parse.otlp;

import dev.braid.normalize.parse.ParseException;

/**
 * Counts the resource and scope metadata that the events of one record repeat: OTLP sends a
 * resource once for all its spans, an event carries it whole. A batch of 8192 spans under a
 * resource of 8 KB repeats 64 M characters; a hostile record of a megabyte could repeat gigabytes,
 * stalling the job and flooding the events topic, and is refused.
 */
final class Repetition {

    static final long MAX_CHARS = 256L * 1024 * 1024;

    private long chars;

    /** Counts one more event's share; throws once the record's events repeat more than {@link #MAX_CHARS}. */
    void add(long eventChars) throws ParseException {
        chars += eventChars;
        if (chars > MAX_CHARS) {
            throw ParseException.expandsTooMuch("its events would repeat more than " + MAX_CHARS
                    + " characters of resource and scope attributes, copied onto each of them");
        }
    }
}
