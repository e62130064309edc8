package dev.braid.cli.baseline;

import dev.braid.cli.UserError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A named savepoint of the jobs in a known-good state, as {@code savepoints/baselines.json} keeps
 * it ({@code savepoints/README.md} documents the fields).
 *
 * @param name the baseline's name: letters, digits, {@code .}, {@code _} and {@code -}
 * @param savepoint the savepoint's location as Flink returned it, e.g. {@code file:/…/savepoint-1a2b3c-…}
 * @param jobName the name of the Flink job it was taken of
 * @param jobId that job's id
 * @param jobVersion the Braid version that took it
 * @param commit the git commit checked out where it was taken, or null outside a repository
 * @param time when it was taken
 * @param note free text, or null
 */
public record Baseline(String name, String savepoint, String jobName, String jobId, String jobVersion, String commit,
                       Instant time, String note) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /** Fails with a user error unless {@code name} may name a baseline. */
    public static String requireValidName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new UserError("baseline name '" + name + "': use only letters, digits, '.', '_' and '-'");
        }
        return name;
    }

    /** The savepoint's folder when it is on the local file system, else empty (e.g. on {@code s3://}). */
    public Optional<Path> localSavepoint() {
        URI location = URI.create(savepoint);
        if (location.getScheme() == null) {
            return Optional.of(Path.of(savepoint));
        }
        return "file".equals(location.getScheme()) ? Optional.of(Path.of(location)) : Optional.empty();
    }

    /** This baseline, unless its savepoint is known to be gone: a local folder without Flink's {@code _metadata}. */
    public Baseline requireSavepoint() {
        if (localSavepoint().map(dir -> !Files.isRegularFile(dir.resolve("_metadata"))).orElse(false)) {
            throw new UserError("baseline " + name + ": its savepoint " + savepoint
                    + " is gone (no _metadata); remove the entry with 'braid baseline delete " + name + "'");
        }
        return this;
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("name", name);
        json.put("savepoint", savepoint);
        json.put("jobName", jobName);
        json.put("jobId", jobId);
        json.put("jobVersion", jobVersion);
        json.put("commit", commit);
        json.put("time", time.toString());
        json.put("note", note);
        return json;
    }

    /** The entry at {@code index} of the catalog in {@code file}; a missing required field is a user error. */
    static Baseline fromJson(JsonNode json, Path file, int index) {
        String where = "catalog " + file + ", baseline " + (index + 1);
        String time = required(json, "time", where);
        try {
            return new Baseline(requireValidName(required(json, "name", where)), required(json, "savepoint", where),
                    optional(json, "jobName"), optional(json, "jobId"), optional(json, "jobVersion"), optional(json, "commit"),
                    Instant.parse(time), optional(json, "note"));
        } catch (DateTimeParseException e) {
            throw new UserError(where + ": time '" + time + "' is not an ISO-8601 instant such as 2025-01-31T12:00:00Z", e);
        }
    }

    private static String required(JsonNode json, String field, String where) {
        String value = optional(json, field);
        if (value == null || value.isBlank()) {
            throw new UserError(where + ": '" + field + "' is missing");
        }
        return value;
    }

    private static String optional(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
