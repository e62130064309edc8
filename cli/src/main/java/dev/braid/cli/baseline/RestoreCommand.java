package dev.braid.cli.baseline;

import dev.braid.cli.LocalRun;
import dev.braid.cli.UserError;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code braid restore NAME}: {@code braid run} starting from a baseline's savepoint instead of the
 * newest retained checkpoint. The savepoint is only read (Flink's default no-claim mode), so the
 * baseline can be restored again; the next {@code braid run} resumes from this run's checkpoints.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Run the jobs locally like 'braid run', starting from a baseline's savepoint; Ctrl-C stops."
                + " --jobs must include every job the baseline holds state of.")
public final class RestoreCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "The baseline, as 'braid baseline list' shows it.")
    String name;

    @Mixin
    CatalogOption catalogOption;

    @Mixin
    LocalRun local;

    @Override
    public Integer call() throws Exception {
        Baseline baseline = catalogOption.load().get(Baseline.requireValidName(name)).requireSavepoint();
        return local.run(baseline.savepoint(), "restored from baseline " + name + " (" + baseline.savepoint() + ")");
    }
}
