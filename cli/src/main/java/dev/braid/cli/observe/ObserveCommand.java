package dev.braid.cli.observe;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code braid observe}: reads what the jobs published, a page at a time. */
@Command(name = "observe", mixinStandardHelpOptions = true,
        description = "Read Braid's output topics: a trace, the event timeline, alerts, error signatures, past fixes. At most 25 KB per call.",
        subcommands = {TraceCommand.class, TimelineCommand.class, AlertsCommand.class, ErrorsCommand.class, FixesCommand.class})
public final class ObserveCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name what to observe: trace, timeline, alerts, errors or fixes");
    }
}
