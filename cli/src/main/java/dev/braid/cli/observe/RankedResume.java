package dev.braid.cli.observe;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Where a ranked listing continues: the rank of the next record to show and the ends the first
 * page's scan stopped at, so that later pages rank the same records and show each once.
 */
record RankedResume(int next, Map<Integer, Long> ends) {

    String encode() {
        StringJoiner endOffsets = new StringJoiner(",");
        new TreeMap<>(ends).forEach((partition, end) -> endOffsets.add(partition + ":" + end));
        return next + "|" + endOffsets;
    }

    static RankedResume decode(String text) {
        String[] parts = text.split("\\|", -1);
        Map<Integer, Long> ends = new TreeMap<>();
        if (!parts[1].isEmpty()) {
            for (String partition : parts[1].split(",")) {
                String[] end = partition.split(":");
                ends.put(Integer.parseInt(end[0]), Long.parseLong(end[1]));
            }
        }
        return new RankedResume(Integer.parseInt(parts[0]), ends);
    }
}
