package dev.braid.cli;

import dev.braid.cli.LocalJobs.Job;
import dev.braid.correlate.CorrelatePipeline;
import dev.braid.detect.DetectPipeline;
import dev.braid.normalize.NormalizePipeline;

import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.runtime.SavepointLoader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code braid checkpoints DIR}: each job's newest retained checkpoint in the jobs' checkpoint
 * directory, and the {@code braid deploy} flags that start the jobs from them. The way back after
 * the JobManager of a session cluster without high availability is lost: a new one knows no jobs,
 * but the checkpoints they retained are still in the directory, one folder per job id.
 *
 * <p>A folder's job is known by its checkpoint's operators: each job has an operator uid of its own.
 * Newest is by time, not by checkpoint number, across every job id of that job. A folder whose
 * checkpoint cannot be read (another program's, another Flink's) is named on standard error and
 * passed over.
 */
@Command(name = "checkpoints", mixinStandardHelpOptions = true,
        description = "Find each job's newest retained checkpoint in the jobs' checkpoint directory and print the"
                + " 'braid deploy' flags that start the jobs from them, e.g. after a JobManager was lost.")
final class CheckpointsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterJobs cluster;

    @Parameters(paramLabel = "DIR", description = "The jobs' braid.checkpoint-dir, e.g. file:///shared/braid/checkpoints.")
    URI directory;

    /** A completed checkpoint: the folder that holds its {@code _metadata}, and when that was written. */
    record Retained(Path location, Instant completed) {}

    @Override
    public Integer call() throws IOException {
        // s3:// and the like come from Flink's plugins and configuration, where Flink's own scripts find them.
        String confDir = System.getenv(ConfigConstants.ENV_FLINK_CONF_DIR);
        Configuration flink = confDir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(confDir);
        FileSystem.initialize(flink, PluginUtils.createPluginManagerFromRootFolder(flink));
        PrintWriter err = spec.commandLine().getErr();
        Map<Job, Retained> newest = newestPerJob(new Path(directory), unreadable -> {
            err.println("braid: passed over " + unreadable.getMessage());
            err.flush();
        });
        PrintWriter out = spec.commandLine().getOut();
        StringJoiner again = new StringJoiner(" ");
        for (Job job : cluster.jobs) {
            Retained retained = Optional.ofNullable(newest.get(job)).orElseThrow(() -> new UserError("no retained checkpoint of "
                    + LocalJobs.name(job) + " in " + directory + ": pass the braid.checkpoint-dir the jobs ran with, or --jobs"
                    + " without " + LocalJobs.name(job)));
            out.printf("braid: %s's newest retained checkpoint is %s, completed %s%n", LocalJobs.name(job), retained.location(),
                    retained.completed());
            again.add("--from-savepoint " + LocalJobs.name(job) + "=" + retained.location());
        }
        out.println("braid: deploy them again from there with: ./braid deploy --flink " + cluster.flink + " ... " + again);
        out.flush();
        return 0;
    }

    /** The newest completed checkpoint of each job found under {@code root}, one folder per job id. */
    static Map<Job, Retained> newestPerJob(Path root, Consumer<IOException> unreadable) throws IOException {
        FileSystem fs = root.getFileSystem();
        FileStatus[] jobIds = fs.exists(root) ? fs.listStatus(root) : null;
        if (jobIds == null) {
            throw new UserError(root + " does not exist: pass the braid.checkpoint-dir the jobs ran with");
        }
        Map<Job, Retained> newest = new EnumMap<>(Job.class);
        for (FileStatus jobId : jobIds) {
            Optional<Retained> last = lastCompleted(fs, jobId.getPath());
            if (last.isEmpty()) {
                continue;
            }
            Optional<Job> job;
            try {
                job = jobOf(last.get().location());
            } catch (IOException e) {
                unreadable.accept(new IOException(last.get().location() + ": " + e.getMessage(), e));
                continue;
            }
            job.ifPresent(found -> newest.merge(found, last.get(),
                    (one, other) -> one.completed().isAfter(other.completed()) ? one : other));
        }
        return newest;
    }

    /** The completed checkpoint of the highest number in one job id's folder; Flink numbers them up within a job. */
    private static Optional<Retained> lastCompleted(FileSystem fs, Path jobFolder) throws IOException {
        FileStatus[] children = fs.listStatus(jobFolder);
        Retained last = null;
        long lastNumber = -1;
        for (FileStatus child : children == null ? new FileStatus[0] : children) {
            String name = child.getPath().getName();
            if (!child.isDir() || !name.matches("chk-\\d+")) {
                continue;
            }
            Path metadata = new Path(child.getPath(), "_metadata");
            long number = Long.parseLong(name.substring(4));
            if (number > lastNumber && fs.exists(metadata)) { // a checkpoint in progress has no _metadata yet
                last = new Retained(child.getPath(), Instant.ofEpochMilli(fs.getFileStatus(metadata).getModificationTime()));
                lastNumber = number;
            }
        }
        return Optional.ofNullable(last);
    }

    /** Which of Braid's jobs took the checkpoint: the one whose source uid it holds state of. */
    private static Optional<Job> jobOf(Path checkpoint) throws IOException {
        Set<OperatorID> operators = SavepointLoader.loadSavepointMetadata(checkpoint.toString()).getOperatorStates().stream()
                .map(OperatorState::getOperatorID).collect(Collectors.toSet());
        for (Job job : Job.values()) {
            if (operators.contains(OperatorIdentifier.forUid(sourceUid(job)).getOperatorId())) {
                return Optional.of(job);
            }
        }
        return Optional.empty(); // another job's folder in a shared directory
    }

    private static String sourceUid(Job job) {
        return switch (job) {
            case NORMALIZE -> NormalizePipeline.Uids.DEDUPLICATE;
            case CORRELATE -> CorrelatePipeline.Uids.EVENTS_SOURCE;
            case DETECT -> DetectPipeline.Uids.EVENTS_SOURCE;
        };
    }
}
