package dev.braid.cli.ingest;

/** The {@code braid.*} Kafka headers an ingest sets besides the stamps. */
final class BraidHeaders {

    /** A stable id of the record: a resend carries the same one and the normalize job drops it. */
    static final String ID = "braid.id";
    /** Which parser the normalize job uses, instead of detecting the format. */
    static final String FORMAT = "braid.format";
    /** The test run a report belongs to. */
    static final String RUN_ID = "braid.run-id";
    /** {@code stdout} or {@code stderr} of a command run by {@code --exec}. */
    static final String STREAM = "braid.stream";

    private BraidHeaders() {}
}
