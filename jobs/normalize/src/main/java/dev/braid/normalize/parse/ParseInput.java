package dev.braid.normalize.parse;

import java.util.Map;

/**
 * One raw record as a parser sees it: its UTF-8 text, the ingest headers ({@code braid.*}) and the
 * Kafka timestamp to fall back on when the text carries no time.
 */
public record ParseInput(String text, Map<String, String> headers, long kafkaTimestamp) {

    public static final String FORMAT_HEADER = "braid.format";

    public ParseInput {
        headers = Map.copyOf(headers);
    }

    /** A header by name, ignoring case: HTTP shippers keep or lower-case names like X-GitHub-Event. */
    public String header(String name) {
        String exact = headers.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
