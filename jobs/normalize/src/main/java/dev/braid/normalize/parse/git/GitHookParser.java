package dev.braid.normalize.parse.git;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.schema.Commit;
import dev.braid.schema.FileChange;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The record Braid's git post-commit hook prints for each commit, one JSON line:
 * {@code {"type":"git.commit","repo","branch","sha","parents":[..],"author":{"name","email"},
 * "committer":{..},"time":ISO-8601,"message","files":[{"status","path"}]}}. {@code branch} is null on a
 * detached HEAD; {@code time} is the committer date, since that is when the commit came to exist.
 */
public final class GitHookParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    private static final String FORMAT = "git-hook";
    private static final String TYPE = "git.commit";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(ParseInput input) {
        String text = input.text();
        return Json.looksLikeObject(text) && text.contains("\"" + TYPE + "\"") && text.contains("\"sha\"");
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode record = Json.object(input.text());
        String type = Json.required(record, "type", FORMAT);
        if (!TYPE.equals(type)) {
            throw ParseException.schemaViolation(FORMAT + " record has type '" + type + "', expected '" + TYPE + "'");
        }
        String sha = Commits.sha(Json.text(record, "sha"), "sha", FORMAT);
        String message = Json.text(record, "message");
        String subject = Commits.subject(message);

        NormalizedEvent.Builder draft = Drafts.draft(TYPE, Level.INFO, subject.isEmpty() ? "commit " + sha : subject);
        Drafts.time(draft, Commits.time(record, "time", FORMAT));
        draft.getKeysBuilder()
                .setRepo(Json.text(record, "repo"))
                .setBranch(Json.text(record, "branch"))
                .setCommit(sha);
        JsonNode author = record.path("author");
        JsonNode committer = record.path("committer");
        draft.setPayload(Commit.newBuilder()
                .setSha(sha)
                .setParents(parents(record.get("parents")))
                .setAuthorName(Json.text(author, "name"))
                .setAuthorEmail(Json.text(author, "email"))
                .setFiles(files(record.get("files")))
                .build());
        Drafts.meta(draft, "committerName", Json.text(committer, "name"));
        Drafts.meta(draft, "committerEmail", Json.text(committer, "email"));
        Drafts.meta(draft, "body", Commits.body(message));
        return List.of(draft);
    }

    private static List<String> parents(JsonNode parents) throws ParseException {
        List<String> shas = new ArrayList<>();
        if (parents == null || parents.isNull()) {
            return shas;
        }
        if (!parents.isArray()) {
            throw ParseException.schemaViolation(FORMAT + " field 'parents' must be an array of shas, got " + parents);
        }
        for (int i = 0; i < parents.size(); i++) {
            shas.add(Commits.sha(parents.get(i).asText(null), "parents[" + i + "]", FORMAT));
        }
        return shas;
    }

    private static List<FileChange> files(JsonNode files) throws ParseException {
        List<FileChange> changes = new ArrayList<>();
        if (files == null || files.isNull()) {
            return changes;
        }
        if (!files.isArray()) {
            throw ParseException.schemaViolation(
                    FORMAT + " field 'files' must be an array, got " + files.getNodeType());
        }
        for (int i = 0; i < files.size(); i++) {
            JsonNode file = files.get(i);
            String status = Json.text(file, "status");
            String path = Json.text(file, "path");
            if (status == null || status.isEmpty() || path == null) {
                throw ParseException.schemaViolation(
                        FORMAT + " files[" + i + "] needs both 'status' and 'path', got " + file);
            }
            // git --name-status writes scores after the letter (R100); the letter is the change.
            changes.add(new FileChange(status.substring(0, 1), path));
        }
        return changes;
    }
}
