package dev.braid.cli.baseline;

import dev.braid.cli.LocalRun;
import dev.braid.cli.UserError;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code braid restore NAME}: {@code braid run} starting from a baseline's savepoint instead of the
 * newest retained checkpoint. The savepoint is only read (Flink's default no-claim mode), so the
 * baseline can be restored again; the next {@code braid run} resumes from this run's checkpoints.
 *
 * <p>A restore rewinds every source to the baseline's offsets with the baseline's state, its
 * de-duplication included: whatever arrived since is processed and published again, and the
 * consumers of the events, traces and alert topics see it twice. So a restore refuses while the
 * input holds records shipped after the baseline, unless {@code --republish} says to go ahead.
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

    @Option(names = "--republish",
            description = "Restore although records arrived after the baseline: the jobs read them again and publish"
                    + " their events, traces and alerts a second time, which consumers see as duplicates.")
    boolean republish;

    @Override
    public Integer call() throws Exception {
        Baseline baseline = catalogOption.load().get(Baseline.requireValidName(name)).requireSavepoint();
        if (!republish) {
            refuseToRepublish(baseline, local.inputSince(baseline.time()));
        }
        return local.run(baseline.savepoint(), "restored from baseline " + name + " (" + baseline.savepoint() + ")");
    }

    private static void refuseToRepublish(Baseline baseline, Map<String, Long> since) {
        if (!since.isEmpty()) {
            String counts = since.entrySet().stream()
                    .map(topic -> topic.getValue() + " on " + topic.getKey()).collect(Collectors.joining(", "));
            throw new UserError("restoring baseline " + baseline.name() + " would publish again what arrived since "
                    + baseline.time() + " (" + counts + "): the jobs re-read it from the baseline's offsets with the"
                    + " baseline's de-duplication state, so consumers of the events, traces and alert topics would see it"
                    + " twice. Pass --republish to restore anyway, or compare without restoring: braid analyze regression"
                    + " --baseline " + baseline.name() + " --live");
        }
    }
}
