package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.FormatParser;

import java.util.ArrayList;
import java.util.List;

/** The backend formats, in the order they are tried when no {@code braid.format} header names one. */
public final class BackendParsers {

    /**
     * Every format a line of a process's output can have, also inside Docker's json-file wrapper:
     * continuations first (a lone stack frame must not pass for plain text), JSON before text,
     * specific before generic, plain text last because it takes anything.
     */
    private static final List<FormatParser> INNER = List.of(
            new ContinuationParser(),
            new PinoParser(),
            new ZapParser(),
            new SlogJsonParser(),
            new StructlogJsonParser(),
            new JsonLogParser(),
            new LogbackParser(),
            new PythonLoggingParser(),
            new StructlogConsoleParser(),
            new SlogTextParser(),
            new GoLogParser(),
            new PlainTextParser());

    private BackendParsers() {}

    public static List<FormatParser> all() {
        List<FormatParser> all = new ArrayList<>();
        all.add(new DockerJsonFileParser());
        all.addAll(INNER);
        return List.copyOf(all);
    }

    static List<FormatParser> inner() {
        return INNER;
    }
}
