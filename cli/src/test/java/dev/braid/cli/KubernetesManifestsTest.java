package dev.braid.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.braid.cli.LocalJobs.Job;
import dev.braid.correlate.CorrelateJob;
import dev.braid.detect.DetectJob;
import dev.braid.normalize.NormalizeJob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Kubernetes example of docker/kubernetes: each FlinkDeployment parses, runs its job's jar and
 * main class with savepoint upgrades and the Prometheus port, and passes only arguments its job
 * accepts, with valid values, and only Flink options that exist.
 */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @EnumSource(Job.class)
    void theDeploymentOfEachJobRunsItWithArgumentsItAccepts(Job job) throws Exception {
        String name = job.name().toLowerCase();
        JsonNode manifest = YAML.readTree(Path.of("..", "docker", "kubernetes", "braid-" + name + ".yaml").toFile());

        assertThat(manifest.path("kind").asText()).isEqualTo("FlinkDeployment");
        JsonNode spec = manifest.path("spec");
        assertThat(spec.at("/job/jarURI").asText()).matches("local:///opt/flink/usrlib/braid-" + name + "-.*-job\\.jar");
        assertThat(spec.at("/job/entryClass").asText()).isEqualTo(DeployCommand.entryClass(job));
        assertThat(spec.at("/job/upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(spec.at("/flinkConfiguration/metrics.reporter.prom.port").asText()).isEqualTo("9249");
        assertThat(spec.at("/flinkConfiguration/execution.checkpointing.dir").asText()).startsWith("s3://");
        assertThat(spec.at("/flinkConfiguration/execution.checkpointing.savepoint-dir").asText()).startsWith("s3://");

        List<String> args = new ArrayList<>();
        spec.at("/job/args").forEach(arg -> args.add(arg.asText()));
        assertThat(args).allSatisfy(arg -> assertThat(arg).doesNotStartWith("--flink"));
        assertThatCode(() -> configFromArgs(job, args.toArray(String[]::new))).doesNotThrowAnyException();

        Set<String> flinkKeys = flinkOptionKeys();
        spec.path("flinkConfiguration").fieldNames().forEachRemaining(key -> {
            if (!key.startsWith("metrics.reporter.")) {
                assertThat(flinkKeys).as("a Flink option").contains(key);
            }
        });
    }

    private static void configFromArgs(Job job, String[] args) {
        switch (job) {
            case NORMALIZE -> NormalizeJob.configFromArgs(args);
            case CORRELATE -> CorrelateJob.configFromArgs(args);
            case DETECT -> DetectJob.configFromArgs(args);
        }
    }

    /** The keys of Flink's options the manifests may set, without deprecated ones. */
    private static Set<String> flinkOptionKeys() throws IllegalAccessException {
        Set<String> keys = new HashSet<>();
        for (Class<?> options : List.of(CheckpointingOptions.class, StateBackendOptions.class, TaskManagerOptions.class,
                PipelineOptions.class)) {
            for (Field field : options.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class
                        && !field.isAnnotationPresent(Deprecated.class)) {
                    keys.add(((ConfigOption<?>) field.get(null)).key());
                }
            }
        }
        return keys;
    }
}
