package dev.braid.cli.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The keys an ingest stamps on every record as {@code braid.*} headers, for what the record itself
 * does not say. Each comes from its flag, else the environment (Braid's variables, then those of
 * GitHub Actions, GitLab CI and Buildkite), else git in the working directory; null when unknown.
 */
record Stamps(String tenant, String service, String repo, String branch, String commit) {

    private static final List<String> TENANT_VARIABLES = List.of("BRAID_TENANT");
    private static final List<String> SERVICE_VARIABLES = List.of("BRAID_SERVICE");
    private static final List<String> REPO_VARIABLES = List.of("BRAID_REPO", "GITHUB_REPOSITORY", "CI_PROJECT_PATH");
    /** GITHUB_HEAD_REF names the branch of a pull request, where GITHUB_REF_NAME would be "42/merge". */
    private static final List<String> BRANCH_VARIABLES =
            List.of("BRAID_BRANCH", "GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME", "BUILDKITE_BRANCH");
    private static final List<String> COMMIT_VARIABLES =
            List.of("BRAID_COMMIT", "GITHUB_SHA", "CI_COMMIT_SHA", "BUILDKITE_COMMIT");

    /**
     * The stamps of one ingest: {@code flags} holds what was given on the command line, and
     * {@code defaultService} (the file or command name) is the service when neither flag nor
     * environment names one. Git is asked only for what flags and environment leave open.
     */
    static Stamps resolve(Stamps flags, Map<String, String> env, Git git, String defaultService) {
        return new Stamps(
                pick(flags.tenant(), env, TENANT_VARIABLES, Optional::empty),
                pick(flags.service(), env, SERVICE_VARIABLES, () -> Optional.ofNullable(defaultService)),
                pick(flags.repo(), env, REPO_VARIABLES, () -> git.topLevel().map(top -> top.getFileName().toString())),
                // Empty on a detached HEAD, where a branch name would be a guess.
                pick(flags.branch(), env, BRANCH_VARIABLES, () -> git.query("symbolic-ref", "--short", "-q", "HEAD")),
                pick(flags.commit(), env, COMMIT_VARIABLES, () -> git.query("rev-parse", "--verify", "-q", "HEAD")));
    }

    Stamps withCommit(String sha) {
        return new Stamps(tenant, service, repo, branch, sha);
    }

    /** The known stamps as {@code braid.*} Kafka headers. */
    Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        putIfKnown(headers, "braid.tenant", tenant);
        putIfKnown(headers, "braid.service", service);
        putIfKnown(headers, "braid.repo", repo);
        putIfKnown(headers, "braid.branch", branch);
        putIfKnown(headers, "braid.commit", commit);
        return headers;
    }

    private static String pick(String flag, Map<String, String> env, List<String> variables,
            Supplier<Optional<String>> fallback) {
        if (isSet(flag)) {
            return flag.strip();
        }
        for (String variable : variables) {
            String value = env.get(variable);
            if (isSet(value)) {
                return value.strip();
            }
        }
        return fallback.get().filter(Stamps::isSet).map(String::strip).orElse(null);
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static void putIfKnown(Map<String, String> headers, String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
    }
}
