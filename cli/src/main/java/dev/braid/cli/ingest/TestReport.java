package dev.braid.cli.ingest;

import dev.braid.cli.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A whole test report (Jest JSON, {@code go test -json}, JUnit XML) is one record of the test
 * topic: the normalize job tells the format and splits the report into test cases itself.
 */
final class TestReport {

    /** The normalize job's default {@code braid.normalize.max-record-size}: a larger report would be a dead letter. */
    static final int MAX_BYTES = 1024 * 1024;

    private static final List<String> CI_RUN_VARIABLES = List.of("CI_PIPELINE_ID", "BUILDKITE_BUILD_ID");

    private TestReport() {}

    /** The report's bytes; a missing, empty or oversized report is a user error. */
    static byte[] read(Path file) {
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new UserError("no test report at " + file);
        } catch (IOException e) {
            throw new UserError("cannot read the test report " + file + ": " + e.getMessage(), e);
        }
        if (content.length == 0) {
            throw new UserError("the test report " + file + " is empty: did the test run write it?");
        }
        if (content.length > MAX_BYTES) {
            throw new UserError("the test report " + file + " is larger than 1 MiB, the most the normalize job"
                    + " accepts in one record: split it, e.g. one JUnit XML file per test class");
        }
        return content;
    }

    /** The flag, else the CI system's run (a GitHub re-run attempt is a run of its own), else a new id. */
    static String runId(String flag, Map<String, String> env) {
        if (isSet(flag)) {
            return flag.strip();
        }
        String githubRun = env.get("GITHUB_RUN_ID");
        if (isSet(githubRun)) {
            String attempt = env.get("GITHUB_RUN_ATTEMPT");
            return isSet(attempt) ? githubRun + "-" + attempt : githubRun;
        }
        for (String variable : CI_RUN_VARIABLES) {
            if (isSet(env.get(variable))) {
                return env.get(variable).strip();
            }
        }
        return UUID.randomUUID().toString();
    }

    /** The same report of the same run has the same id, so ingesting it twice yields its tests once. */
    static Map<String, String> headers(byte[] content, String runId, String format) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(BraidHeaders.ID, Sha256.hex(content, runId.getBytes(StandardCharsets.UTF_8)));
        headers.put(BraidHeaders.RUN_ID, runId);
        if (format != null) {
            headers.put(BraidHeaders.FORMAT, format);
        }
        return headers;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
