package dev.braid.cli.baseline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/** {@code braid baseline list}: the catalog as a table, or as its JSON. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the saved baselines, oldest first.")
final class ListCommand implements Callable<Integer> {

    private static final List<String> HEADER = List.of("NAME", "TIME", "JOB", "VERSION", "COMMIT", "NOTE", "SAVEPOINT");
    private static final int SHORT_COMMIT = 12;

    @Spec
    CommandSpec spec;

    @Mixin
    CatalogOption catalogOption;

    @Option(names = "--json", description = "Print the catalog as one JSON document, the shape of its file.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        Catalog catalog = catalogOption.load();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(catalog.toJson()));
        } else if (catalog.baselines().isEmpty()) {
            out.printf("No baselines in %s yet; save one with 'braid baseline save NAME'.%n", catalog.file());
        } else {
            printTable(out, catalog.baselines());
        }
        out.flush();
        return 0;
    }

    private static void printTable(PrintWriter out, List<Baseline> baselines) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Baseline baseline : baselines) {
            rows.add(List.of(baseline.name(), baseline.time().toString(), text(baseline.jobName()), text(baseline.jobVersion()),
                    baseline.commit() == null ? "-" : baseline.commit().substring(0, Math.min(SHORT_COMMIT, baseline.commit().length())),
                    text(baseline.note()), baseline.savepoint()));
        }
        int[] widths = new int[HEADER.size()];
        rows.forEach(row -> {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        });
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < widths.length - 1; column++) {
                line.append(String.format("%-" + widths[column] + "s  ", row.get(column)));
            }
            out.println(line.append(row.get(widths.length - 1)));
        }
    }

    private static String text(String value) {
        return Objects.requireNonNullElse(value, "-");
    }
}
