package dev.braid.cli;

import dev.braid.cli.baseline.FlinkRest;
import dev.braid.connectors.TopicSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code braid status}: which jobs run on the Flink cluster and their newest checkpoint, how far
 * each consumer group of Braid's topics lags, and how many records each topic holds. Flink out of
 * reach is part of the answer, not a failure: Kafka's half still says what the jobs last committed.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "The jobs on Flink with their newest checkpoint, the consumer groups' lag and the topics' sizes.")
public final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--flink", paramLabel = "URL", defaultValue = "${env:BRAID_FLINK_URL:-http://localhost:8081}",
            description = "Flink's REST API (default: $BRAID_FLINK_URL, else http://localhost:8081).")
    URI flink;

    @Option(names = "--json", description = "One JSON document, for agents and scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ObjectNode status = JSON.createObjectNode();
        status.set("flink", flinkStatus());
        KafkaStatus kafkaStatus = KafkaStatus.read(kafka.clientProperties(),
                kafka.topics().all().stream().map(TopicSpec::name).toList());
        ObjectNode groups = status.putObject("consumerGroups");
        kafkaStatus.lagByGroup().forEach((group, lags) -> {
            ObjectNode node = groups.putObject(group);
            node.put("lag", lags.values().stream().mapToLong(Long::longValue).sum());
            lags.forEach(node.putObject("lagByTopic")::put);
        });
        ObjectNode topics = status.putObject("topics");
        kafkaStatus.topics().forEach((topic, size) -> topics.putObject(topic)
                .put("partitions", size.partitions()).put("records", size.records()));
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? JSON.writeValueAsString(status) + "\n" : text(status));
        out.flush();
        return 0;
    }

    private ObjectNode flinkStatus() throws InterruptedException {
        ObjectNode node = JSON.createObjectNode().put("url", flink.toString());
        FlinkRest rest = new FlinkRest(flink);
        List<FlinkRest.Job> jobs;
        try {
            jobs = rest.jobs();
        } catch (UserError unreachable) {
            return node.put("error", unreachable.getMessage());
        }
        ArrayNode jobNodes = node.putArray("jobs");
        for (FlinkRest.Job job : jobs) {
            ObjectNode jobNode = jobNodes.addObject()
                    .put("id", job.id()).put("name", job.name()).put("state", job.state());
            JsonNode checkpoints;
            try {
                checkpoints = rest.checkpointStatistics(job.id());
            } catch (UserError unanswered) {
                jobNode.put("checkpointsError", unanswered.getMessage());
                continue;
            }
            jobNode.put("checkpointsCompleted", checkpoints.path("counts").path("completed").asLong());
            jobNode.put("checkpointsFailed", checkpoints.path("counts").path("failed").asLong());
            JsonNode latest = checkpoints.path("latest").path("completed");
            if (latest.isObject()) {
                jobNode.putObject("lastCheckpoint")
                        .put("id", latest.path("id").asLong())
                        .put("completedAt", Instant.ofEpochMilli(latest.path("latest_ack_timestamp").asLong()).toString())
                        .put("stateBytes", latest.path("checkpointed_size").asLong(latest.path("state_size").asLong()))
                        .put("durationMs", latest.path("end_to_end_duration").asLong())
                        .put("path", latest.path("external_path").asText(null));
            }
        }
        return node;
    }

    private static String text(ObjectNode status) {
        StringBuilder text = new StringBuilder();
        JsonNode flink = status.path("flink");
        text.append("Flink at ").append(flink.path("url").asText()).append(":\n");
        if (flink.has("error")) {
            text.append("  ").append(flink.path("error").asText()).append('\n');
        } else if (flink.path("jobs").isEmpty()) {
            text.append("  no jobs\n");
        }
        for (JsonNode job : flink.path("jobs")) {
            JsonNode last = job.path("lastCheckpoint");
            String checkpoints = job.has("checkpointsError")
                    ? "checkpoints unknown: " + job.path("checkpointsError").asText()
                    : String.format("checkpoints: %d completed, %d failed", job.path("checkpointsCompleted").asLong(),
                            job.path("checkpointsFailed").asLong());
            text.append(String.format("  %-10s %s %s, %s%s%n", job.path("state").asText(),
                    job.path("id").asText(), job.path("name").asText(), checkpoints, last.isObject()
                            ? String.format("; last #%d at %s, %d bytes", last.path("id").asLong(), last.path("completedAt").asText(),
                                    last.path("stateBytes").asLong())
                            : ""));
        }
        text.append("Consumer groups (records not yet read and checkpointed):\n");
        if (status.path("consumerGroups").isEmpty()) {
            text.append("  none has committed offsets on Braid's topics\n");
        }
        for (Map.Entry<String, JsonNode> group : status.path("consumerGroups").properties()) {
            text.append(String.format("  %-28s lag %d%n", group.getKey(), group.getValue().path("lag").asLong()));
        }
        text.append("Topics:\n");
        for (Map.Entry<String, JsonNode> topic : status.path("topics").properties()) {
            text.append(String.format("  %-32s %10d records in %d partitions%n", topic.getKey(),
                    topic.getValue().path("records").asLong(), topic.getValue().path("partitions").asInt()));
        }
        return text.toString();
    }
}
