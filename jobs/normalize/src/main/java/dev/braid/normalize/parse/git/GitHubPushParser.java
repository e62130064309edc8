package dev.braid.normalize.parse.git;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.schema.Commit;
import dev.braid.schema.FileChange;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * GitHub's {@code push} webhook payload. Each pushed commit becomes a {@code git.commit}; a push that
 * deletes a ref becomes {@code git.branch_deleted} or {@code git.tag_deleted}; a push that moves or
 * creates a ref without new commits (a new tag, a branch cut from an existing commit, a force-push
 * back to an older commit) becomes {@code git.ref_updated}.
 */
public final class GitHubPushParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String FORMAT = "github-push";
    private static final String EVENT = "push";
    private static final String BRANCH_PREFIX = "refs/heads/";
    private static final String TAG_PREFIX = "refs/tags/";

    /** GitHub lists a commit's paths by change; each list maps to one git status letter. */
    private static final String[][] FILE_LISTS = {{"added", "A"}, {"removed", "D"}, {"modified", "M"}};

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(ParseInput input) {
        String event = input.header("X-GitHub-Event");
        String text = input.text();
        return (event == null || EVENT.equals(event))
                && Json.looksLikeObject(text) && text.contains("\"ref\"") && text.contains("\"commits\"");
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        String event = input.header("X-GitHub-Event");
        if (event != null && !EVENT.equals(event)) {
            throw ParseException.schemaViolation(FORMAT + " expects X-GitHub-Event 'push', got '" + event + "'");
        }
        JsonNode push = Json.object(input.text());
        String ref = Json.required(push, "ref", FORMAT);
        JsonNode commits = push.get("commits");
        if (commits == null || !commits.isArray()) {
            throw ParseException.schemaViolation(FORMAT + " payload lacks the 'commits' array");
        }
        String repo = Json.text(push.path("repository"), "full_name");
        if (repo == null) {
            throw ParseException.schemaViolation(FORMAT + " payload lacks 'repository.full_name'");
        }
        Ref target = new Ref(ref, repo, Json.text(push.path("pusher"), "name"));
        if (push.path("deleted").asBoolean(false)) {
            return List.of(deletion(push, target));
        }
        if (commits.isEmpty()) {
            return List.of(refUpdate(push, target));
        }
        List<NormalizedEvent.Builder> drafts = new ArrayList<>();
        String before = Json.text(push, "before");
        String parent = Commits.isZero(before) ? null : before;
        for (int i = 0; i < commits.size(); i++) {
            NormalizedEvent.Builder draft = commit(commits.get(i), i, parent, target);
            drafts.add(draft);
            parent = ((Commit) draft.getPayload()).getSha();
        }
        return drafts;
    }

    /** The pushed ref: a branch, a tag, or (rarely) another namespace such as refs/notes. */
    private record Ref(String ref, String repo, String pusher) {
        String branch() {
            return ref.startsWith(BRANCH_PREFIX) ? ref.substring(BRANCH_PREFIX.length()) : null;
        }

        String tag() {
            return ref.startsWith(TAG_PREFIX) ? ref.substring(TAG_PREFIX.length()) : null;
        }

        String describe() {
            return branch() != null ? "branch " + branch() : tag() != null ? "tag " + tag() : "ref " + ref;
        }

        NormalizedEvent.Builder draft(String kind, String message) {
            NormalizedEvent.Builder draft = Drafts.draft(kind, Level.INFO, message);
            draft.getKeysBuilder().setRepo(repo).setBranch(branch());
            Drafts.meta(draft, "ref", ref);
            Drafts.meta(draft, "tag", tag());
            Drafts.meta(draft, "pusher", pusher);
            return draft;
        }
    }

    private static NormalizedEvent.Builder commit(JsonNode commit, int index, String parent, Ref target)
            throws ParseException {
        String sha = Commits.sha(Json.text(commit, "id"), "commits[" + index + "].id", FORMAT);
        String message = Json.text(commit, "message");
        String subject = Commits.subject(message);
        NormalizedEvent.Builder draft = target.draft("git.commit", subject.isEmpty() ? "commit " + sha : subject);
        Drafts.time(draft, Commits.time(commit, "timestamp", FORMAT + " commits[" + index + "]"));
        draft.getKeysBuilder().setCommit(sha);
        List<FileChange> files = new ArrayList<>();
        for (String[] list : FILE_LISTS) {
            for (JsonNode path : commit.path(list[0])) {
                files.add(new FileChange(list[1], path.asText()));
            }
        }
        JsonNode author = commit.path("author");
        draft.setPayload(Commit.newBuilder()
                .setSha(sha)
                .setParents(parent == null ? new ArrayList<>() : new ArrayList<>(List.of(parent)))
                .setAuthorName(Json.text(author, "name"))
                .setAuthorEmail(Json.text(author, "email"))
                .setFiles(files)
                .build());
        Drafts.meta(draft, "committerName", Json.text(commit.path("committer"), "name"));
        Drafts.meta(draft, "committerEmail", Json.text(commit.path("committer"), "email"));
        Drafts.meta(draft, "body", Commits.body(message));
        Drafts.meta(draft, "url", Json.text(commit, "url"));
        Drafts.meta(draft, "distinct", Json.text(commit, "distinct"));
        return draft;
    }

    private static NormalizedEvent.Builder deletion(JsonNode push, Ref target) {
        String kind = target.tag() != null ? "git.tag_deleted" : "git.branch_deleted";
        NormalizedEvent.Builder draft = target.draft(kind, target.describe() + " deleted"
                + (target.pusher() == null ? "" : " by " + target.pusher()));
        String before = Json.text(push, "before");
        draft.getKeysBuilder().setCommit(Commits.isZero(before) ? null : before);
        Drafts.time(draft, pushedAt(push));
        return draft;
    }

    private static NormalizedEvent.Builder refUpdate(JsonNode push, Ref target) throws ParseException {
        String after = Commits.sha(Json.text(push, "after"), "after", FORMAT);
        boolean created = push.path("created").asBoolean(false);
        NormalizedEvent.Builder draft = target.draft("git.ref_updated", target.describe()
                + (created ? " created at " : " moved to ") + after.substring(0, 7)
                + (push.path("forced").asBoolean(false) ? " (forced)" : "")
                + (target.pusher() == null ? "" : " by " + target.pusher()));
        draft.getKeysBuilder().setCommit(after);
        Drafts.meta(draft, "before", Json.text(push, "before"));
        Drafts.time(draft, pushedAt(push));
        return draft;
    }

    /** A push without commits carries its time only as repository.pushed_at (epoch seconds). */
    private static long pushedAt(JsonNode push) {
        return Timestamps.parse(Json.text(push.path("repository"), "pushed_at"));
    }

}
