package dev.braid.cli.baseline;

import dev.braid.cli.BraidVersion;
import dev.braid.cli.ingest.Git;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code braid baseline save NAME}: a savepoint of a running job, kept in the catalog under a name
 * with the job, the Braid version and the git commit it describes.
 */
@Command(name = "save", mixinStandardHelpOptions = true,
        description = "Take a savepoint of a running job (it keeps running) and keep it as a named baseline.")
final class SaveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The baseline's name: letters, digits, '.', '_' and '-'.")
    String name;

    @Option(names = "--note", paramLabel = "TEXT", description = "What state the jobs are in, e.g. \"all tests green\".")
    String note;

    @Mixin
    SavepointTrigger trigger;

    @Option(names = "--target-dir", paramLabel = "URI",
            description = "Where Flink writes the savepoint (default: baselines/ beside the catalog). Flink itself writes it:"
                    + " a remote cluster needs a file system it shares with you, e.g. s3://bucket/braid/baselines.")
    URI targetDir;

    @Mixin
    CatalogOption catalogOption;

    @Option(names = "--replace", description = "Replace a baseline of the same name, deleting its local savepoint.")
    boolean replace;

    @Option(names = "--json", description = "Print the saved baseline as one JSON document, as the catalog holds it.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Baseline.requireValidName(name);
        Catalog catalog = catalogOption.load();
        if (!replace) {
            catalog.requireNew(name);
        }
        FlinkRest.Savepoint savepoint = trigger.take(target(catalog));
        Baseline baseline = new Baseline(name, savepoint.location(), savepoint.job().name(), savepoint.job().id(),
                BraidVersion.current(), checkedOutCommit(), Instant.now().truncatedTo(ChronoUnit.SECONDS), note);
        Optional<Baseline> replaced = catalog.add(baseline, replace);
        catalog.save();
        print(baseline, replaced.map(SavepointFiles::delete));
        return 0;
    }

    /** {@code --target-dir}, a path without scheme made an absolute file URI: Flink would resolve it elsewhere. */
    private URI target(Catalog catalog) {
        if (targetDir == null) {
            return catalog.savepointDirectory();
        }
        return targetDir.getScheme() == null ? Path.of(targetDir.getPath()).toAbsolutePath().toUri() : targetDir;
    }

    /** The commit checked out here: the code the baseline's state comes from. */
    private static String checkedOutCommit() {
        return new Git(Path.of("").toAbsolutePath()).query("rev-parse", "HEAD").orElse(null);
    }

    private void print(Baseline baseline, Optional<String> replaced) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode saved = baseline.toJson();
            replaced.ifPresent(what -> saved.put("replaced", what));
            out.println(saved);
            out.flush();
            return;
        }
        out.printf("Saved baseline %s%s%n", baseline.name(), replaced.map(what -> " (replaced the old one; " + what + ")").orElse(""));
        out.printf("  savepoint  %s%n", baseline.savepoint());
        out.printf("  job        %s (%s)%n", baseline.jobName(), baseline.jobId());
        out.printf("  commit     %s%n", baseline.commit() == null ? "none: not in a git repository" : baseline.commit());
        out.flush();
    }
}
