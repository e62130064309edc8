package dev.braid.cli.baseline;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code braid baseline}: named savepoints of the jobs in a known-good state. */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Keep savepoints of the running jobs as named baselines: save, list, delete; 'braid restore NAME' runs from one.",
        subcommands = {SaveCommand.class, ListCommand.class, DeleteCommand.class})
public final class BaselineCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name what to do: save, list or delete");
    }
}
