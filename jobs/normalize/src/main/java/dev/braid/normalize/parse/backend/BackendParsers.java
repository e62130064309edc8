package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.FormatParser;

import java.util.List;

/** The backend formats, in the order they are tried when no {@code braid.format} header names one. */
public final class BackendParsers {

    private BackendParsers() {}

    public static List<FormatParser> all() {
        return List.of();
    }
}
