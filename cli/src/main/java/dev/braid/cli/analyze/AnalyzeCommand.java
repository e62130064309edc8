package dev.braid.cli.analyze;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code braid analyze}: questions answered from the jobs' state. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Answer questions from the jobs' state: 'regression' compares a baseline with now.",
        subcommands = RegressionCommand.class)
public final class AnalyzeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name the analysis: regression");
    }
}
