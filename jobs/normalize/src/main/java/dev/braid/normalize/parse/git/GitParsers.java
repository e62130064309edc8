package dev.braid.normalize.parse.git;

import dev.braid.normalize.parse.FormatParser;

import java.util.List;

/** The git formats, in the order they are tried when no {@code braid.format} header names one. */
public final class GitParsers {

    private GitParsers() {}

    public static List<FormatParser> all() {
        return List.of(new GitHookParser(), new GitHubPushParser());
    }
}
