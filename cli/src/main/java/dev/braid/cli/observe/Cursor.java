package dev.braid.cli.observe;

import dev.braid.cli.UserError;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Where the next page starts: for each partition of a topic, the offset of the first record not
 * yet shown. Pages read forward from it, so every record is shown exactly once across pages.
 * Encoded as opaque URL-safe text the user passes back with {@code --cursor}.
 */
record Cursor(String topic, Map<Integer, Long> offsets) {

    Cursor {
        offsets = Map.copyOf(offsets);
    }

    String encode() {
        StringJoiner partitions = new StringJoiner(",");
        new TreeMap<>(offsets).forEach((partition, offset) -> partitions.add(partition + ":" + offset));
        String text = topic + "@" + partitions;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String encoded, String expectedTopic) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
            int at = text.lastIndexOf('@');
            String topic = text.substring(0, at);
            if (!topic.equals(expectedTopic)) {
                throw new UserError("--cursor belongs to topic " + topic + ", not " + expectedTopic
                        + ": pass it to the command that printed it");
            }
            Map<Integer, Long> offsets = new TreeMap<>();
            for (String partition : text.substring(at + 1).split(",")) {
                String[] parts = partition.split(":");
                offsets.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
            }
            return new Cursor(topic, offsets);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new UserError("--cursor " + encoded + " is not a cursor Braid printed", e);
        }
    }
}
