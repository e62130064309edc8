package dev.braid.cli.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class StampsTest {

    private static final Stamps NO_FLAGS = of(null, null, null, null, null);

    @TempDir
    Path dir;

    @Test
    void flagsComeBeforeTheEnvironment() throws Exception {
        Stamps flags = of("acme", "checkout", "shop", "fix/login", "f00d");
        Map<String, String> env = Map.of("BRAID_TENANT", "other", "BRAID_SERVICE", "other", "BRAID_REPO", "other",
                "BRAID_BRANCH", "other", "BRAID_COMMIT", "other");

        assertThat(Stamps.resolve(flags, env, notARepository(), "default")).usingRecursiveComparison().ignoringFields("origins").isEqualTo(flags);
    }

    @Test
    void braidVariablesComeBeforeThoseOfTheCiSystem() throws Exception {
        Map<String, String> env = Map.of("BRAID_TENANT", "acme", "BRAID_SERVICE", "api", "BRAID_REPO", "shop",
                "BRAID_BRANCH", "main", "BRAID_COMMIT", "abc1",
                "GITHUB_REPOSITORY", "acme/shop", "GITHUB_REF_NAME", "42/merge", "GITHUB_SHA", "def2");

        assertThat(Stamps.resolve(NO_FLAGS, env, notARepository(), "default"))
                .usingRecursiveComparison().ignoringFields("origins").isEqualTo(of("acme", "api", "shop", "main", "abc1"));
    }

    @Test
    void githubActionsNamesThePullRequestsBranchOverTheMergeRef() throws Exception {
        Map<String, String> push = Map.of("GITHUB_REPOSITORY", "acme/shop", "GITHUB_HEAD_REF", "",
                "GITHUB_REF_NAME", "main", "GITHUB_SHA", "abc1");
        Map<String, String> pullRequest = Map.of("GITHUB_REPOSITORY", "acme/shop", "GITHUB_HEAD_REF", "fix/login",
                "GITHUB_REF_NAME", "42/merge", "GITHUB_SHA", "abc1");

        assertThat(Stamps.resolve(NO_FLAGS, push, notARepository(), null))
                .usingRecursiveComparison().ignoringFields("origins").isEqualTo(of(null, null, "acme/shop", "main", "abc1"));
        assertThat(Stamps.resolve(NO_FLAGS, pullRequest, notARepository(), null).branch()).isEqualTo("fix/login");
    }

    @Test
    void gitlabAndBuildkiteVariablesAreRead() throws Exception {
        Map<String, String> gitlab = Map.of("CI_PROJECT_PATH", "acme/shop", "CI_COMMIT_REF_NAME", "main",
                "CI_COMMIT_SHA", "abc1");
        Map<String, String> buildkite = Map.of("BUILDKITE_BRANCH", "main", "BUILDKITE_COMMIT", "abc1");

        assertThat(Stamps.resolve(NO_FLAGS, gitlab, notARepository(), null))
                .usingRecursiveComparison().ignoringFields("origins").isEqualTo(of(null, null, "acme/shop", "main", "abc1"));
        assertThat(Stamps.resolve(NO_FLAGS, buildkite, notARepository(), null))
                .usingRecursiveComparison().ignoringFields("origins").isEqualTo(of(null, null, null, "main", "abc1"));
    }

    @Test
    void gitFillsWhatFlagsAndEnvironmentLeaveOpen() throws Exception {
        Path repo = TestRepos.init(dir.resolve("shop"));
        TestRepos.git(repo, "checkout", "-q", "-b", "trunk");
        String sha = TestRepos.commit(repo, "first", "README.md", "# shop\n");
        Files.createDirectories(repo.resolve("src/app"));

        Stamps stamps = Stamps.resolve(NO_FLAGS, Map.of(), new Git(repo.resolve("src/app")), "app");

        assertThat(stamps).usingRecursiveComparison().ignoringFields("origins").isEqualTo(of(null, "app", "shop", "trunk", sha));
    }

    @Test
    void withoutGitOnlyFlagsAndEnvironmentStamp() {
        Stamps stamps = Stamps.resolve(Stamps.flags(null, null, null, "acme/shop", null, null), Map.of("BRAID_BRANCH", "main"), null, "app");

        assertThat(stamps).usingRecursiveComparison().ignoringFields("origins").isEqualTo(of(null, "app", "acme/shop", "main", null));
    }

    @Test
    void aDetachedHeadHasNoBranch() throws Exception {
        Path repo = TestRepos.init(dir.resolve("shop"));
        String sha = TestRepos.commit(repo, "first", "README.md", "# shop\n");
        TestRepos.git(repo, "checkout", "-q", "--detach");

        Stamps stamps = Stamps.resolve(NO_FLAGS, Map.of(), new Git(repo), null);

        assertThat(stamps.branch()).isNull();
        assertThat(stamps.commit()).isEqualTo(sha);
    }

    @Test
    void outsideARepositoryOnlyTheKnownStampsBecomeHeaders() throws Exception {
        Stamps stamps = Stamps.resolve(of("acme", null, null, null, null), Map.of(), notARepository(), "api");

        assertThat(stamps).usingRecursiveComparison().ignoringFields("origins").isEqualTo(of("acme", "api", null, null, null));
        assertThat(stamps.headers()).containsExactly(entry("braid.tenant", "acme"), entry("braid.service", "api"));
    }

    private Git notARepository() throws Exception {
        return new Git(Files.createDirectories(dir.resolve("not-a-repository")));
    }

    @Test
    void eachStampSaysWhereItCameFrom() throws Exception {
        Path repo = TestRepos.init(dir.resolve("shop"));
        String sha = TestRepos.commit(repo, "first", "README.md", "# shop\n");
        Map<String, String> env = Map.of("GITHUB_REF_NAME", "main");

        Stamps stamps = Stamps.resolve(Stamps.flags(null, "tab-1", null, null, null, null), env, new Git(repo), "api");

        assertThat(stamps.describe()).isEqualTo("session=tab-1 (--session), service=api (default), repo=shop (git in "
                + repo + "), branch=main ($GITHUB_REF_NAME), commit=" + sha + " (git in " + repo + ")");
    }

    /** The stamps of those flags, as the tests compare them: without where each came from. */
    private static Stamps of(String tenant, String service, String repo, String branch, String commit) {
        return Stamps.flags(tenant, null, service, repo, branch, commit);
    }
}
