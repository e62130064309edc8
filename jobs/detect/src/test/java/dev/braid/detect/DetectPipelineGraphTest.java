package dev.braid.detect;

import dev.braid.connectors.JobDefaults;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.BoundedSources;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobEdge;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class DetectPipelineGraphTest {

    @Test
    void everyRuleSelectsItsEventsInTheSourcesChainSoOnlySelectedEventsCrossTheNetwork() {
        DetectConfig config = DetectConfig.from(Configuration.fromMap(Map.of("braid.kafka.bootstrap-servers", "localhost:9092")));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        JobDefaults.apply(env, config.checkpointInterval());
        DetectJob.wire(env, config, BoundedSources.avro("localhost:9092", config.topics().events(), NormalizedEvent.class));

        JobGraph graph = env.getStreamGraph().getJobGraph();
        JobVertex source = StreamSupport.stream(graph.getVertices().spliterator(), false)
                .filter(vertex -> vertex.getName().startsWith("Source: events")).findFirst().orElseThrow();
        List<JobEdge> fromSource = StreamSupport.stream(graph.getVertices().spliterator(), false)
                .flatMap(vertex -> vertex.getInputs().stream())
                .filter(edge -> edge.getSource().getProducer() == source)
                .toList();

        assertThat(source.getName()).as("the rules' selections run in the source's task")
                .contains("spot-churn interruptions events", "agent-loop attempts events", "failing-builds failures events",
                        "test-regression commits and results", "agent-loop outcome");
        assertThat(fromSource).as("one edge per keyed consumer, none that would ship every event to a filter")
                .isNotEmpty()
                .allSatisfy(edge -> assertThat(edge.getShipStrategyName()).isEqualToIgnoringCase("hash"));
    }
}
