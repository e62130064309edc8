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
 * {@code origins} says where each known one came from, for the user to check.
 */
record Stamps(String tenant, String session, String service, String repo, String branch, String commit,
        Map<String, String> origins) {

    private static final List<String> TENANT_VARIABLES = List.of("BRAID_TENANT");
    private static final List<String> SESSION_VARIABLES = List.of("BRAID_SESSION");
    private static final List<String> SERVICE_VARIABLES = List.of("BRAID_SERVICE");
    private static final List<String> REPO_VARIABLES = List.of("BRAID_REPO", "GITHUB_REPOSITORY", "CI_PROJECT_PATH");
    /** GITHUB_HEAD_REF names the branch of a pull request, where GITHUB_REF_NAME would be "42/merge". */
    private static final List<String> BRANCH_VARIABLES =
            List.of("BRAID_BRANCH", "GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME", "BUILDKITE_BRANCH");
    private static final List<String> COMMIT_VARIABLES =
            List.of("BRAID_COMMIT", "GITHUB_SHA", "CI_COMMIT_SHA", "BUILDKITE_COMMIT");

    /** The flags of one call, each null when not given. */
    static Stamps flags(String tenant, String session, String service, String repo, String branch, String commit) {
        return new Stamps(tenant, session, service, repo, branch, commit, Map.of());
    }

    /**
     * The stamps of one ingest: {@code flags} holds what was given on the command line, and
     * {@code defaultService} (the file or command name) is the service when neither flag nor
     * environment names one. Git is asked only for what flags and environment leave open, and not
     * at all when {@code git} is null.
     */
    static Stamps resolve(Stamps flags, Map<String, String> env, Git git, String defaultService) {
        Map<String, String> origins = new LinkedHashMap<>();
        String inGit = git == null ? "" : "git in " + git.directory();
        return new Stamps(
                pick("tenant", flags.tenant(), env, TENANT_VARIABLES, "", Optional::empty, origins),
                pick("session", flags.session(), env, SESSION_VARIABLES, "", Optional::empty, origins),
                pick("service", flags.service(), env, SERVICE_VARIABLES, "default",
                        () -> Optional.ofNullable(defaultService), origins),
                pick("repo", flags.repo(), env, REPO_VARIABLES, inGit,
                        () -> git == null ? Optional.empty() : git.topLevel().map(top -> top.getFileName().toString()), origins),
                // Empty on a detached HEAD, where a branch name would be a guess.
                pick("branch", flags.branch(), env, BRANCH_VARIABLES, inGit,
                        () -> git == null ? Optional.empty() : git.query("symbolic-ref", "--short", "-q", "HEAD"), origins),
                pick("commit", flags.commit(), env, COMMIT_VARIABLES, inGit,
                        () -> git == null ? Optional.empty() : git.query("rev-parse", "--verify", "-q", "HEAD"), origins),
                Map.copyOf(origins));
    }

    /** The stamps with the commit and branch of a record that names its own, as the hook and a range do. */
    Stamps withCommit(String sha, String origin) {
        Map<String, String> withOrigin = new LinkedHashMap<>(origins);
        withOrigin.put("commit", origin);
        return new Stamps(tenant, session, service, repo, branch, sha, Map.copyOf(withOrigin));
    }

    /** One line for the user: each known stamp and where it came from. */
    String describe() {
        StringBuilder text = new StringBuilder();
        headers().forEach((name, value) -> {
            String key = name.substring("braid.".length());
            text.append(text.length() == 0 ? "" : ", ").append(key).append('=').append(value);
            String origin = origins.get(key);
            if (origin != null) {
                text.append(" (").append(origin).append(')');
            }
        });
        return text.length() == 0 ? "nothing" : text.toString();
    }

    /** The known stamps as {@code braid.*} Kafka headers. */
    Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        putIfKnown(headers, "braid.tenant", tenant);
        putIfKnown(headers, "braid.session", session);
        putIfKnown(headers, "braid.service", service);
        putIfKnown(headers, "braid.repo", repo);
        putIfKnown(headers, "braid.branch", branch);
        putIfKnown(headers, "braid.commit", commit);
        return headers;
    }

    private static String pick(String name, String flag, Map<String, String> env, List<String> variables,
            String fallbackOrigin, Supplier<Optional<String>> fallback, Map<String, String> origins) {
        if (isSet(flag)) {
            origins.put(name, "--" + name);
            return flag.strip();
        }
        for (String variable : variables) {
            String value = env.get(variable);
            if (isSet(value)) {
                origins.put(name, "$" + variable);
                return value.strip();
            }
        }
        String value = fallback.get().filter(Stamps::isSet).map(String::strip).orElse(null);
        if (value != null && !fallbackOrigin.isEmpty()) {
            origins.put(name, fallbackOrigin);
        }
        return value;
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
