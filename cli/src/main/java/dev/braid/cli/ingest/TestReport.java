package dev.braid.cli.ingest;

import dev.braid.cli.UserError;

import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Parsers;
import dev.braid.normalize.parse.SourceParser;
import dev.braid.schema.Source;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A whole test report (Jest JSON, {@code go test -json}, JUnit XML) is one record of the test
 * topic: the normalize job tells the format and splits the report into test cases itself. Each
 * report is parsed here first, with the normalize job's own parsers, so that a file that is no
 * report fails the ingest instead of turning into a dead letter later.
 */
final class TestReport {

    /** A report to ship: its file and bytes. */
    record File(Path path, byte[] content) {}

    /** Files a directory or glob yields that may be reports; others there are not looked at. */
    private static final PathMatcher REPORT_NAMES = FileSystems.getDefault().getPathMatcher("glob:*.{xml,json,jsonl}");
    private static final String GLOB_CHARACTERS = "*?[{";
    private static final SourceParser PARSERS = Parsers.bySource().get(Source.TEST);

    /** The normalize job's default {@code braid.normalize.max-record-size}: a larger report would be a dead letter. */
    static final int MAX_BYTES = 1024 * 1024;

    private static final List<String> CI_RUN_VARIABLES = List.of("CI_PIPELINE_ID", "BUILDKITE_BUILD_ID");

    private TestReport() {}

    /**
     * The reports of one run: each argument a file, a directory (its {@code *.xml}, {@code *.json}
     * and {@code *.jsonl} files) or a glob ({@code 'reports/**}{@code /TEST-*.xml'}). A file named
     * outright must be a report; one a directory or glob found that is none is skipped and told.
     */
    static List<File> collect(List<String> arguments, Path workingDirectory, String format, PrintWriter err) {
        Map<Path, Boolean> files = new TreeMap<>();
        for (String argument : arguments) {
            if (isGlob(argument)) {
                glob(argument, workingDirectory).forEach(file -> files.putIfAbsent(file, false));
            } else if (Files.isDirectory(workingDirectory.resolve(argument))) {
                directory(workingDirectory.resolve(argument).normalize()).forEach(file -> files.putIfAbsent(file, false));
            } else {
                files.put(workingDirectory.resolve(argument).normalize(), true);
            }
        }
        List<File> reports = new ArrayList<>();
        files.forEach((path, named) -> {
            byte[] content = read(path);
            String notAReport = problem(content, format);
            if (notAReport == null) {
                reports.add(new File(path, content));
            } else if (named) {
                throw new UserError(path + " is not a test report Braid reads: " + notAReport);
            } else {
                err.println("braid: skipped " + path + ": not a test report (" + notAReport + ")");
            }
        });
        if (reports.isEmpty()) {
            throw new UserError("no test report in " + String.join(", ", arguments)
                    + ": Braid reads Jest JSON, go test -json and JUnit XML (Surefire, pytest, ...)");
        }
        return reports;
    }

    /** Why the normalize job would not read it as a report, or null when it would. */
    private static String problem(byte[] content, String format) {
        Map<String, String> headers = format == null ? Map.of() : Map.of(ParseInput.FORMAT_HEADER, format);
        try {
            PARSERS.parse(new ParseInput(new String(content, StandardCharsets.UTF_8), headers, System.currentTimeMillis()));
            return null;
        } catch (ParseException e) {
            return e.getMessage();
        }
    }

    private static boolean isGlob(String argument) {
        return argument.chars().anyMatch(c -> GLOB_CHARACTERS.indexOf(c) >= 0);
    }

    /** The files under the glob's fixed leading folders that it matches. */
    private static List<Path> glob(String pattern, Path workingDirectory) {
        Path whole = Path.of(pattern);
        Path base = whole.isAbsolute() ? whole.getRoot() : Path.of("");
        int fixed = 0;
        while (fixed < whole.getNameCount() - 1 && !isGlob(whole.getName(fixed).toString())) {
            base = base.resolve(whole.getName(fixed));
            fixed++;
        }
        Path root = workingDirectory.resolve(base).normalize();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher(
                "glob:" + whole.subpath(fixed, whole.getNameCount()));
        List<Path> matches;
        try (Stream<Path> walk = Files.isDirectory(root) ? Files.walk(root) : Stream.empty()) {
            matches = walk.filter(Files::isRegularFile).filter(file -> matcher.matches(root.relativize(file))).toList();
        } catch (IOException e) {
            throw new UserError("cannot list " + root + ": " + e.getMessage(), e);
        }
        if (matches.isEmpty()) {
            throw new UserError("no file matches " + pattern + " in " + root);
        }
        return matches;
    }

    private static List<Path> directory(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(file -> REPORT_NAMES.matches(file.getFileName())).toList();
        } catch (IOException e) {
            throw new UserError("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

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
