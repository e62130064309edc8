package dev.braid.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code braid} command. Errors print one line; {@code --verbose} adds the stack trace. */
@Command(
        name = "braid",
        mixinStandardHelpOptions = true,
        version = "braid 0.1.0",
        description = "Real-time correlation of development telemetry on Apache Flink.",
        subcommands = {DemoCommand.class})
public final class Braid implements Runnable {

    public static void main(String[] args) {
        System.setProperty("log4j2.configurationFile", "log4j2-cli.properties");
        CommandLine cli = new CommandLine(new Braid());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--verbose");
            commandLine.getErr().println("braid: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
