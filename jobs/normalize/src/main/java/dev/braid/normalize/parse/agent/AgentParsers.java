package dev.braid.normalize.parse.agent;

import dev.braid.normalize.parse.FormatParser;

import java.util.List;

/** The agent formats, in the order they are tried when no {@code braid.format} header names one. */
public final class AgentParsers {

    private AgentParsers() {}

    public static List<FormatParser> all() {
        return List.of(new AgentEventParser());
    }
}
