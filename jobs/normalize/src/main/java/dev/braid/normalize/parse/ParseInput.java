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

    public String header(String name) {
        return headers.get(name);
    }
}
