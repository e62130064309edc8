package dev.braid.cli.baseline;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --catalog FILE}: which baselines catalog a command reads and writes. */
public final class CatalogOption {

    @Option(names = "--catalog", paramLabel = "FILE",
            description = "The baselines catalog (default: $" + Catalog.ENV + ", else savepoints/baselines.json in the Braid"
                    + " checkout).")
    Path file;

    /** The catalog the flag, the environment or the checkout names; empty if its file does not exist yet. */
    public Catalog load() {
        return Catalog.load(file != null ? file : Catalog.defaultFile(System.getenv(), System.getProperties()));
    }
}
