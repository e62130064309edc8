package dev.braid.cli.baseline;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code braid baseline delete NAME}: the catalog entry, and its savepoint folder when it is local. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Remove a baseline from the catalog and delete its savepoint folder when it is on this machine.")
final class DeleteCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The baseline to delete.")
    String name;

    @Option(names = "--keep-files", description = "Keep the savepoint's files; only the catalog entry goes.")
    boolean keepFiles;

    @Mixin
    CatalogOption catalogOption;

    @Override
    public Integer call() {
        Baseline.requireValidName(name);
        Catalog catalog = catalogOption.load();
        Baseline baseline = catalog.remove(name);
        catalog.save();
        String files = keepFiles ? "kept its savepoint " + baseline.savepoint() : SavepointFiles.delete(baseline);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Deleted baseline %s; %s.%n", name, files);
        out.flush();
        return 0;
    }
}
