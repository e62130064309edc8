package dev.braid.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What Kafka says of a Braid deployment: how many records each of its topics holds and how far
 * behind each consumer group of them is. The jobs' Kafka sources commit their offsets when a
 * checkpoint completes, so a group's lag is what the job has not yet checkpointed past.
 */
public record KafkaStatus(Map<String, TopicSize> topics, Map<String, Map<String, Long>> lagByGroup) {

    /** A topic's partitions and the records it holds (end minus start offsets, transaction markers included). */
    public record TopicSize(int partitions, long records) {}

    /** Reads both for the topics of {@code braidTopics} that exist; fails with one line when Kafka does not answer. */
    public static KafkaStatus read(Properties client, Collection<String> braidTopics) {
        try (Admin admin = Admin.create(Brokers.adminProperties(client))) {
            Set<String> existing = admin.listTopics().names().get(Brokers.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<String> topics = braidTopics.stream().filter(existing::contains).sorted().toList();
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get(Brokers.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((topic, description) -> description.partitions()
                            .forEach(partition -> partitions.add(new TopicPartition(topic, partition.partition()))));
            Map<TopicPartition, Long> start = offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest());
            Map<String, TopicSize> sizes = new TreeMap<>();
            for (TopicPartition partition : partitions) {
                TopicSize size = sizes.getOrDefault(partition.topic(), new TopicSize(0, 0));
                sizes.put(partition.topic(), new TopicSize(size.partitions() + 1,
                        size.records() + end.get(partition) - start.get(partition)));
            }
            return new KafkaStatus(sizes, lags(admin, end));
        } catch (TimeoutException | ExecutionException e) {
            throw Brokers.unreachable(client, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while reading Kafka's status", e);
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(Brokers.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    /** Per group that committed offsets on Braid's topics: per topic, the records after its committed offsets. */
    private static Map<String, Map<String, Long>> lags(Admin admin, Map<TopicPartition, Long> end)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Map<String, Long>> lags = new TreeMap<>();
        Collection<GroupListing> groups = admin.listGroups().all().get(Brokers.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        for (GroupListing group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                    .partitionsToOffsetAndMetadata().get(Brokers.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            committed.forEach((partition, offset) -> {
                if (offset != null && end.containsKey(partition)) {
                    lags.computeIfAbsent(group.groupId(), id -> new TreeMap<>())
                            .merge(partition.topic(), Math.max(0, end.get(partition) - offset.offset()), Long::sum);
                }
            });
        }
        return lags;
    }
}
