package dev.braid.normalize.parse.otlp;

import dev.braid.normalize.parse.Drafts;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The semantic-convention attributes Braid correlates on: service and session, the repository,
 * branch and commit of the code that ran (the {@code vcs.*} attributes), and the deployment
 * environment as a tag.
 */
final class CorrelationAttributes {

    private static final String SERVICE = "service.name";
    private static final String SESSION = "session.id";
    private static final String REPOSITORY_URL = "vcs.repository.url.full";
    private static final String REPOSITORY_NAME = "vcs.repository.name";
    private static final String BRANCH = "vcs.ref.head.name";
    private static final String COMMIT = "vcs.ref.head.revision";
    private static final String ENVIRONMENT = "deployment.environment.name";
    /** Older semantic conventions' names of the same attributes, which senders still write. */
    private static final String OLD_BRANCH = "vcs.repository.ref.name";
    private static final String OLD_COMMIT = "vcs.repository.ref.revision";
    private static final String OLD_ENVIRONMENT = "deployment.environment";

    /** The tag prefix and metadata key of the deployment environment, under either attribute name. */
    private static final String DEPLOYMENT = "deployment";

    /** The path of an http(s) or ssh URL, or of git's scp-like {@code git@host:owner/name}. */
    private static final Pattern REPOSITORY_PATH =
            Pattern.compile("^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/]+/|[^/:@]+@[^/:]+:)(.+?)(?:\\.git)?/*$");
    private static final String HEADS = "refs/heads/";

    private CorrelationAttributes() {}

    /** Sets the keys and tags of the attributes, already merged so that the nearest one of a name won. */
    static void apply(NormalizedEvent.Builder draft, Map<String, String> attributes) {
        CorrelationKeys.Builder keys = draft.getKeysBuilder();
        keys.setService(attributes.get(SERVICE));
        keys.setSession(attributes.get(SESSION));
        keys.setRepo(repo(attributes.get(REPOSITORY_URL), attributes.get(REPOSITORY_NAME)));
        keys.setBranch(branch(first(attributes, BRANCH, OLD_BRANCH)));
        keys.setCommit(first(attributes, COMMIT, OLD_COMMIT));
        String environment = first(attributes, ENVIRONMENT, OLD_ENVIRONMENT);
        if (environment != null) {
            draft.getTags().add(DEPLOYMENT + ':' + environment);
            Drafts.meta(draft, DEPLOYMENT + ".environment", environment);
        }
    }

    /** owner/name from the repository's URL where it has a path, else the repository's name. */
    static String repo(String url, String name) {
        if (url != null) {
            Matcher path = REPOSITORY_PATH.matcher(url.trim());
            if (path.matches() && path.group(1).contains("/")) {
                return path.group(1);
            }
        }
        return name;
    }

    private static String branch(String ref) {
        return ref != null && ref.startsWith(HEADS) ? ref.substring(HEADS.length()) : ref;
    }

    private static String first(Map<String, String> attributes, String name, String oldName) {
        String value = attributes.get(name);
        return value != null ? value : attributes.get(oldName);
    }
}
