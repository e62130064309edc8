package dev.braid.normalize.parse.ci;

import dev.braid.normalize.parse.FormatParser;

import java.util.List;

/** The ci formats, in the order they are tried when no {@code braid.format} header names one. */
public final class CiParsers {

    private CiParsers() {}

    public static List<FormatParser> all() {
        return List.of(new GitHubWorkflowJobParser(), new Ec2SpotInterruptionParser(), new RunnerLifecycleParser());
    }
}
