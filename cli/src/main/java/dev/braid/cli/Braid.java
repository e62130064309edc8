package dev.braid.cli;

import dev.braid.cli.analyze.AnalyzeCommand;
import dev.braid.cli.baseline.BaselineCommand;
import dev.braid.cli.baseline.RestoreCommand;
import dev.braid.cli.ingest.IngestCommand;
import dev.braid.cli.mcp.McpCommand;
import dev.braid.cli.observe.ObserveCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;

/**
 * The {@code braid} command. A failure prints one line and exits non-zero; {@code --verbose} adds
 * the stack trace.
 */
@Command(
        name = "braid",
        mixinStandardHelpOptions = true,
        versionProvider = BraidVersion.class,
        description = "Real-time correlation of development telemetry on Apache Flink.",
        subcommands = {DemoCommand.class, RunCommand.class, DeployCommand.class, StopCommand.class, CheckpointsCommand.class,
                IngestCommand.class, ObserveCommand.class, BaselineCommand.class, RestoreCommand.class, AnalyzeCommand.class,
                StatusCommand.class, McpCommand.class})
public final class Braid implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.setProperty("log4j2.configurationFile", "log4j2-cli.properties");
        System.exit(commandLine().execute(args));
    }

    /** The command line with Braid's error handling; tests run commands through it. */
    public static CommandLine commandLine() {
        Braid braid = new Braid();
        CommandLine cli = new CommandLine(braid).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            report(commandLine.getErr(), e, braid.verbose);
            return 1;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("braid: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        return cli;
    }

    private static void report(PrintWriter err, Exception e, boolean verbose) {
        err.println("braid: " + Failures.oneLine(e));
        if (verbose) {
            e.printStackTrace(err);
        } else if (!(e instanceof UserError)) {
            err.println("(run again with --verbose for the stack trace)");
        }
        err.flush();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
