package dev.braid.detect;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * Waits until the transactions a finished job committed are readable. A producer's commit returns
 * once the broker has logged it; the markers that let read_committed consumers past the records
 * are written afterwards, so a reader that starts right after the job ends can find the last
 * stable offset still before the job's last transaction and read nothing of it.
 */
final class SettledTopics {

    private SettledTopics() {}

    /** Returns once every partition's last stable offset has reached its end: nothing is left in flight. */
    static void await(String bootstrapServers, Collection<String> topics, Duration timeout) throws Exception {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(properties)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get().values()) {
                topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!settled(admin, latest)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("transactions still open after " + timeout + " on " + topics);
                }
                Thread.onSpinWait();
            }
        }
    }

    private static boolean settled(Admin admin, Map<TopicPartition, OffsetSpec> latest)
            throws ExecutionException, InterruptedException {
        var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        var end = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
        return stable.entrySet().stream().allMatch(e -> e.getValue().offset() == end.get(e.getKey()).offset());
    }
}
