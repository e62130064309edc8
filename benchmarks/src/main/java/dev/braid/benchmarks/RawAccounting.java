package dev.braid.benchmarks;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.Topics;
import dev.braid.normalize.functions.MergeStackTraces;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.KafkaTestClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What became of each raw record, read from the committed events and dead letters: it is in an
 * event's provenance ({@code raw.topic}, {@code raw.partition}, {@code raw.offset},
 * {@code raw.merged-offsets}), or in a dead letter. Shared by the fuzz run and the fault matrix,
 * which both prove every record accounted for once.
 */
final class RawAccounting {

    /** Told the first outcome of each raw record: {@code events}, or the reason of its dead letter. */
    interface Listener {
        void first(String stream, long offset, String outcome);
    }

    private final Listener listener;
    private final Map<String, BitSet> withEvents = new HashMap<>();
    private final Map<String, BitSet> deadLettered = new HashMap<>();
    private final Set<String> eventIds = new HashSet<>();
    private final Map<DeadLetterReason, Long> byReason = new EnumMap<>(DeadLetterReason.class);
    private long events;
    private long repeatedIds;
    private long repeatedLetters;

    private RawAccounting(Listener listener) {
        this.listener = listener;
    }

    /** Every committed event and dead letter of the topics, read through {@code client}. */
    static RawAccounting read(KafkaTestClient client, Topics topics, Duration timeout, Listener listener) {
        RawAccounting accounting = new RawAccounting(listener);
        client.forEachCommitted(topics.events(), timeout,
                record -> accounting.event(AvroRecords.decode(record.value(), NormalizedEvent.class)));
        client.forEachCommitted(topics.deadLetters(), timeout,
                record -> accounting.deadLetter(AvroRecords.decode(record.value(), DeadLetter.class)));
        return accounting;
    }

    static RawAccounting read(KafkaTestClient client, Topics topics, Duration timeout) {
        return read(client, topics, timeout, (stream, offset, outcome) -> { });
    }

    private void event(NormalizedEvent event) {
        events++;
        if (!eventIds.add(event.getId())) {
            repeatedIds++;
        }
        Map<String, String> metadata = event.getMetadata();
        String stream = metadata.get("raw.topic") + "/" + metadata.get("raw.partition");
        mark(withEvents, stream, Long.parseLong(metadata.get("raw.offset")), "events");
        String merged = metadata.get(MergeStackTraces.MERGED_OFFSETS);
        if (merged != null && !merged.isEmpty()) {
            for (String offset : merged.split(",")) {
                mark(withEvents, stream, Long.parseLong(offset.trim()), "events");
            }
        }
    }

    private void deadLetter(DeadLetter letter) {
        String stream = letter.getSourceTopic() + "/" + letter.getPartition();
        if (deadLettered.computeIfAbsent(stream, s -> new BitSet()).get((int) letter.getOffset())) {
            repeatedLetters++;
        }
        byReason.merge(letter.getReason(), 1L, Long::sum);
        mark(deadLettered, stream, letter.getOffset(), letter.getReason().name());
    }

    private void mark(Map<String, BitSet> outcome, String stream, long offset, String what) {
        BitSet marked = outcome.computeIfAbsent(stream, s -> new BitSet());
        if (!marked.get((int) offset)) {
            marked.set((int) offset);
            listener.first(stream, offset, what);
        }
    }

    /** Of {@code sent} records of each stream (offsets 0 to sent - 1), how many have no outcome. */
    long unaccounted(Map<String, Integer> sent) {
        return unaccounted(sent, Map.of());
    }

    /** As {@link #unaccounted(Map)}, leaving out the records {@code expectedWithout} holds, such as blank lines. */
    long unaccounted(Map<String, Integer> sent, Map<String, BitSet> expectedWithout) {
        long missing = 0;
        for (Map.Entry<String, Integer> stream : sent.entrySet()) {
            BitSet any = (BitSet) withEvents.getOrDefault(stream.getKey(), new BitSet()).clone();
            any.or(deadLettered.getOrDefault(stream.getKey(), new BitSet()));
            any.or(expectedWithout.getOrDefault(stream.getKey(), new BitSet()));
            missing += stream.getValue() - any.get(0, stream.getValue()).cardinality();
        }
        return missing;
    }

    /** The first records of {@code sent} without an outcome, as {@code stream@offset}, at most {@code limit}. */
    List<String> firstUnaccounted(Map<String, Integer> sent, int limit) {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Integer> stream : sent.entrySet()) {
            for (int offset = 0; offset < stream.getValue() && missing.size() < limit; offset++) {
                if (!withEvents.getOrDefault(stream.getKey(), new BitSet()).get(offset)
                        && !deadLettered.getOrDefault(stream.getKey(), new BitSet()).get(offset)) {
                    missing.add(stream.getKey() + "@" + offset);
                }
            }
        }
        return missing;
    }

    /** Records with both events and a dead letter: accounted twice. */
    long both() {
        long both = 0;
        for (Map.Entry<String, BitSet> stream : withEvents.entrySet()) {
            BitSet intersection = (BitSet) stream.getValue().clone();
            intersection.and(deadLettered.getOrDefault(stream.getKey(), new BitSet()));
            both += intersection.cardinality();
        }
        return both;
    }

    long recordsWithEvents() {
        return withEvents.values().stream().mapToLong(BitSet::cardinality).sum();
    }

    long deadLetters() {
        return byReason.values().stream().mapToLong(Long::longValue).sum();
    }

    long events() {
        return events;
    }

    /** Committed events whose id an earlier one had: what exactly-once forbids. */
    long repeatedIds() {
        return repeatedIds;
    }

    /** Committed dead letters for a record that already had one. */
    long repeatedLetters() {
        return repeatedLetters;
    }

    Map<DeadLetterReason, Long> byReason() {
        return byReason;
    }
}
