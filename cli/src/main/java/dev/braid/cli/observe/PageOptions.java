package dev.braid.cli.observe;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;

/** Output and paging flags every observation shares. */
final class PageOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--json", description = "One JSON document, for agents and scripts.")
    boolean json;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "Records per page, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue where the previous page stopped (printed with it).")
    String cursor;

    @Option(names = "--max-bytes", defaultValue = "" + Page.MAX_BYTES, paramLabel = "BYTES",
            description = "Print at most this much, 1000 to 25000 (default: ${DEFAULT-VALUE}).")
    int maxBytes;

    Page page() {
        if (limit < 1 || limit > 1000) {
            throw new ParameterException(command.commandLine(), "--limit " + limit + " must be from 1 to 1000");
        }
        if (maxBytes < 1000 || maxBytes > Page.MAX_BYTES) {
            throw new ParameterException(command.commandLine(), "--max-bytes " + maxBytes + " must be from 1000 to " + Page.MAX_BYTES);
        }
        return new Page(json, limit, maxBytes);
    }

    /**
     * The command as the user typed it, with {@code --cursor} set to the next page's and each
     * {@code option, value} pair given set the same way (a relative time fixed to an instant).
     */
    String nextCommand(String nextCursor, String... optionValues) {
        List<String> args = new ArrayList<>(command.commandLine().getParseResult().originalArgs());
        without(args, "--cursor");
        args.add("--cursor");
        args.add(nextCursor);
        for (int i = 0; i < optionValues.length; i += 2) {
            without(args, optionValues[i]);
            args.add(optionValues[i]);
            args.add(optionValues[i + 1]);
        }
        StringBuilder line = new StringBuilder("./braid");
        for (String arg : args) {
            line.append(' ').append(arg.matches("[\\w@%+=:,./-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    private static void without(List<String> args, String option) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(option) && i + 1 < args.size()) {
                args.remove(i + 1);
                args.remove(i--);
            } else if (args.get(i).startsWith(option + "=")) {
                args.remove(i--);
            }
        }
    }
}
