package dev.braid.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.TopicSpec;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The broker the demo and the tests run on takes transactions, as the jobs' exactly-once sinks need. */
class EmbeddedKafkaTest {

    @Test
    void aTransactionCommittedOnTheBrokerIsReadCommittedAndAnAbortedOneIsNot() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(List.of(new TopicSpec("braid.check", 2, Map.of())));
            kafka.createTopics(List.of(new TopicSpec("braid.check", 2, Map.of()))); // again: existing topics are kept
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "transactional.id", "check"), new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("braid.check", 0, "k", "committed"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("braid.check", 0, "k", "aborted"));
                producer.abortTransaction();
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
                TopicPartition partition = new TopicPartition("braid.check", 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                List<String> values = new ArrayList<>();
                long end = consumer.endOffsets(List.of(partition)).get(partition);
                while (consumer.position(partition) < end) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        values.add(record.value());
                    }
                }
                assertThat(values).containsExactly("committed");
            }
        }
    }
}
