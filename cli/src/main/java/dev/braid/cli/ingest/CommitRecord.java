package dev.braid.cli.ingest;

import dev.braid.cli.UserError;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The record of one commit in the format of Braid's git post-commit hook, which the normalize job's
 * git-hook parser reads: {@code {"type":"git.commit","repo","branch","sha","parents":[..],
 * "author":{"name","email"},"committer":{..},"time","message","files":[{"status","path"}]}}.
 * {@code time} is the committer date, {@code message} the raw message without trailing newlines,
 * {@code files} the changes against the first parent.
 */
record CommitRecord(String sha, String json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** NUL-separated, so that names and messages may hold anything; the message comes last. */
    private static final String LOG_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00%cI%x00%B";
    private static final int LOG_FIELDS = 8;

    /** Reads the commit from git; {@code branch} may be null (detached HEAD). */
    static CommitRecord of(Git git, String revision, String repo, String branch) {
        if (revision.startsWith("-")) {
            throw new UserError("--commit " + revision + ": not a revision");
        }
        // The trailing "--" makes git read the revision as one even where a file has its name.
        String[] fields = git.run("log", "-1", "--no-show-signature", "--encoding=UTF-8",
                "--format=" + LOG_FORMAT, revision, "--").split("\0", LOG_FIELDS);
        if (fields.length < LOG_FIELDS) {
            throw new UserError("--commit " + revision + ": no such commit in " + repo);
        }
        String sha = fields[0];
        List<String> parents = fields[1].isEmpty() ? List.of() : List.of(fields[1].split(" "));

        ObjectNode record = JSON.createObjectNode();
        record.put("type", "git.commit");
        record.put("repo", repo);
        record.put("branch", branch);
        record.put("sha", sha);
        ArrayNode parentShas = record.putArray("parents");
        parents.forEach(parentShas::add);
        record.putObject("author").put("name", fields[2]).put("email", fields[3]);
        record.putObject("committer").put("name", fields[4]).put("email", fields[5]);
        record.put("time", fields[6]);
        record.put("message", fields[7].replaceFirst("\\n+\\z", ""));
        addFiles(record.putArray("files"), git, sha, parents);
        try {
            return new CommitRecord(sha, JSON.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }

    /**
     * The commits of a range such as {@code v1.2..main}, or of a revision's whole history, oldest
     * first; a range without commits is a user error.
     */
    static List<String> range(Git git, String range) {
        if (range.startsWith("-")) {
            throw new UserError("--commits " + range + ": not a range: give FROM..TO (origin/main..HEAD) or a revision");
        }
        String shas = git.run("rev-list", "--reverse", "--topo-order", range, "--").strip();
        if (shas.isEmpty()) {
            throw new UserError("--commits " + range + ": the range holds no commit");
        }
        return List.of(shas.split("\n"));
    }

    /**
     * The changes against the first parent (a root commit: against the empty tree). A rename is
     * {@code R} with the new path, a copy {@code A}, a type change {@code M}, as the hook contract says.
     */
    private static void addFiles(ArrayNode files, Git git, String sha, List<String> parents) {
        String changes = parents.isEmpty()
                ? git.run("diff-tree", "-r", "-z", "-M", "--name-status", "--no-commit-id", "--root", sha)
                : git.run("diff-tree", "-r", "-z", "-M", "--name-status", "--no-commit-id", parents.get(0), sha);
        String[] parts = changes.split("\0");
        int i = 0;
        while (i < parts.length && !parts[i].isEmpty()) {
            char status = parts[i].charAt(0);
            if (status == 'R' || status == 'C') {
                files.addObject().put("status", status == 'R' ? "R" : "A").put("path", parts[i + 2]);
                i += 3;
            } else {
                files.addObject().put("status", status == 'T' || status == 'U' ? "M" : String.valueOf(status))
                        .put("path", parts[i + 1]);
                i += 2;
            }
        }
    }
}
