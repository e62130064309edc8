package dev.braid.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.JobDefaults;
import dev.braid.connectors.Topics;
import dev.braid.normalize.functions.MergeStackTraces;
import dev.braid.testing.SecretCorpus;
import dev.braid.schema.DeadLetter;
import dev.braid.schema.DeadLetterReason;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.BoundedSources;
import dev.braid.testing.FlinkMiniCluster;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The normalize job end to end on a real broker and MiniCluster: every real-tool fixture of every
 * source, with malformed, oversized, non-UTF-8, empty and retried records and a corpus of secrets,
 * read back with read_committed.
 */
class NormalizePipelineTest {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    private static RawFixtures input;
    /** topic-partition@offset of every record sent, to the index of the original record it carries. */
    private static Map<String, Integer> sent;
    private static List<ConsumerRecord<byte[], byte[]>> eventRecords;
    private static List<ConsumerRecord<byte[], byte[]>> deadLetterRecords;
    private static List<NormalizedEvent> events;
    private static List<DeadLetter> deadLetters;

    @BeforeAll
    static void runTheJobOnceOverTheMixedStream() throws Exception {
        NormalizeConfig config = TestTopics.freshConfig(KAFKA);
        Topics topics = config.topics();
        input = RawFixtures.mixedStream(topics);
        List<RecordMetadata> landed = KAFKA.client().send(input.records());
        sent = new HashMap<>();
        for (int i = 0; i < landed.size(); i++) {
            sent.put(position(landed.get(i).topic(), landed.get(i).partition(), landed.get(i).offset()), input.originalOf(i));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        JobDefaults.apply(env, config.checkpointInterval());
        NormalizeJob.wire(env, config, BoundedSources.raw(KAFKA.bootstrapServers(), topics));
        env.execute("normalize mixed stream");

        eventRecords = KAFKA.client().readCommitted(topics.events());
        deadLetterRecords = KAFKA.client().readCommitted(topics.deadLetters());
        events = AvroRecords.decodeAll(eventRecords, NormalizedEvent.class);
        deadLetters = AvroRecords.decodeAll(deadLetterRecords, DeadLetter.class);
    }

    @Test
    void everyDistinctRawRecordEndsUpAsEventsOrOneDeadLetter() {
        Set<Integer> covered = new HashSet<>();
        for (NormalizedEvent event : events) {
            Map<String, String> m = event.getMetadata();
            covered.add(sent.get(position(m.get("raw.topic"), Integer.parseInt(m.get("raw.partition")), Long.parseLong(m.get("raw.offset")))));
            String merged = m.get(MergeStackTraces.MERGED_OFFSETS);
            if (merged != null) {
                Arrays.stream(merged.split(",")).forEach(offset -> covered.add(
                        sent.get(position(m.get("raw.topic"), Integer.parseInt(m.get("raw.partition")), Long.parseLong(offset)))));
            }
        }
        Set<Integer> dead = deadLetters.stream()
                .map(d -> sent.get(position(d.getSourceTopic(), d.getPartition(), d.getOffset())))
                .collect(Collectors.toSet());

        assertThat(covered).doesNotContainNull();
        assertThat(dead).doesNotContainAnyElementsOf(covered).hasSize(deadLetters.size());
        assertThat(covered.size() + dead.size()).isEqualTo(input.distinctRecords());
    }

    private static String position(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    @Test
    void noEventOrDeadLetterIsWrittenTwice() {
        assertThat(events).extracting(NormalizedEvent::getId).doesNotHaveDuplicates();
        assertThat(deadLetters).extracting(DeadLetter::getId).doesNotHaveDuplicates();
    }

    @Test
    void badRecordsReachTheDeadLetterTopicWithTheirReason() {
        Map<DeadLetterReason, Integer> byReason = new EnumMap<>(DeadLetterReason.class);
        deadLetters.forEach(d -> byReason.merge(d.getReason(), 1, Integer::sum));

        assertThat(byReason).as("dead letters: %s", deadLetters).isEqualTo(input.expectedDeadLetters());
        assertThat(deadLetters).allSatisfy(d -> assertThat(d.getDetail()).isNotBlank());
        DeadLetter oversized = deadLetters.stream().filter(d -> d.getReason() == DeadLetterReason.OVERSIZED).findFirst().orElseThrow();
        assertThat(oversized.getTruncated()).isTrue();
        assertThat(oversized.getRawValue().remaining()).isEqualTo(64 * 1024);
    }

    @Test
    void everySourceIsNormalized() {
        Map<Source, Long> bySource = events.stream().collect(Collectors.groupingBy(NormalizedEvent::getSource, Collectors.counting()));

        assertThat(bySource).containsOnlyKeys(Source.values());
    }

    @Test
    void eventsAreKeyedByTheirBestCorrelationKey() {
        Map<String, NormalizedEvent> byId = events.stream().collect(Collectors.toMap(NormalizedEvent::getId, Function.identity()));
        for (ConsumerRecord<byte[], byte[]> record : eventRecords) {
            NormalizedEvent event = AvroRecords.decode(record.value(), NormalizedEvent.class);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(EventKeys.bestKey(byId.get(event.getId())));
        }
        assertThat(events).anySatisfy(e -> assertThat(e.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736"));
    }

    @Test
    void noSecretOfTheCorpusAppearsInAnyOutputByte() {
        List<String> secrets = SecretCorpus.all().stream().map(SecretCorpus::secret).toList();
        for (List<ConsumerRecord<byte[], byte[]>> topic : List.of(eventRecords, deadLetterRecords)) {
            for (ConsumerRecord<byte[], byte[]> record : topic) {
                String value = new String(record.value(), StandardCharsets.ISO_8859_1);
                String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.ISO_8859_1);
                for (String secret : secrets) {
                    assertThat(value).as("value at offset %d", record.offset()).doesNotContain(secret);
                    assertThat(key).doesNotContain(secret);
                }
                assertThat(value).doesNotContain("oversizedSecret42");
            }
        }
    }
}
