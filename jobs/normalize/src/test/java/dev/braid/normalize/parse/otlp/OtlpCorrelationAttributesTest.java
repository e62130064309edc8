package dev.braid.normalize.parse.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.normalize.parse.Drafts;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import org.junit.jupiter.api.Test;

import java.util.Map;

/** The repository key is owner/name whichever way a resource names its repository. */
class OtlpCorrelationAttributesTest {

    private static final String REPO = "acme/shop";
    private static final String NAME_ONLY = "shop";
    private static final String NESTED_GROUP_REPO = "acme/platform/shop";
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final String BRANCH = "main";

    @Test
    void anHttpsUrlWithOrWithoutDotGitGivesOwnerSlashName() {
        assertThat(CorrelationAttributes.repo("https://github.com/acme/shop.git", null)).isEqualTo(REPO);
        assertThat(CorrelationAttributes.repo("https://github.com/acme/shop/", null)).isEqualTo(REPO);
    }

    @Test
    void sshAndScpLikeUrlsGiveOwnerSlashName() {
        assertThat(CorrelationAttributes.repo("ssh://git@github.com/acme/shop.git", null)).isEqualTo(REPO);
        assertThat(CorrelationAttributes.repo("git@github.com:acme/shop.git", null)).isEqualTo(REPO);
    }

    @Test
    void aGitLabSubgroupKeepsItsWholePath() {
        assertThat(CorrelationAttributes.repo("https://gitlab.com/acme/platform/shop", null)).isEqualTo(NESTED_GROUP_REPO);
    }

    @Test
    void withoutAUrlWithAPathTheRepositoryNameIsTheKey() {
        assertThat(CorrelationAttributes.repo(null, NAME_ONLY)).isEqualTo(NAME_ONLY);
        assertThat(CorrelationAttributes.repo("https://github.com", NAME_ONLY)).isEqualTo(NAME_ONLY);
    }

    @Test
    void theAttributeNamesBeforeTheirRenameStillCount() {
        NormalizedEvent.Builder draft = Drafts.draft(OtlpLogParser.KIND, Level.INFO, "");

        CorrelationAttributes.apply(draft, Map.of(
                "vcs.repository.ref.name", "refs/heads/" + BRANCH,
                "vcs.repository.ref.revision", COMMIT,
                "deployment.environment", "production"));

        assertThat(draft.getKeysBuilder().getBranch()).isEqualTo(BRANCH);
        assertThat(draft.getKeysBuilder().getCommit()).isEqualTo(COMMIT);
        assertThat(draft.getTags()).containsExactly("deployment:production");
    }
}
