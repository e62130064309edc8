package dev.braid.cli.ingest;

import dev.braid.cli.KafkaOptions;
import dev.braid.cli.UserError;
import dev.braid.normalize.parse.Parsers;
import dev.braid.schema.Source;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code braid ingest}: ships real telemetry to the raw topics, one input per call: a followed log
 * file, a command's output, a test report, a commit, or standard input.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Ship telemetry to Braid's raw topics (braid.raw.<source>), one input per call;"
                    + " without one, each line of standard input is a record.",
            "Every record carries the keys it is known by as braid.* headers: --tenant, --session, --service,"
                    + " --repo, --branch and --commit-sha, else $BRAID_TENANT, $BRAID_SESSION, ..., the CI system's"
                    + " variables and git in the working directory. The ingest prints what it stamped and where"
                    + " each came from."},
        footer = {
            "%nExamples:",
            "  braid ingest --tail logs/server.log --service checkout",
            "  braid ingest --exec -- npm run dev",
            "  braid ingest --test-report reports/jest.json",
            "  braid ingest --test-report target/surefire-reports",
            "  braid ingest --git-hook",
            "  braid ingest --commits origin/main..HEAD",
            "  braid ingest --source browser --session tab-1 < cdp-events.jsonl",
            "  kubectl logs -f deploy/checkout | braid ingest --service checkout"})
public final class IngestCommand implements Callable<Integer> {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    /** How long Ctrl-C waits for the ingest to flush, save its position and report. */
    private static final Duration GRACE = Duration.ofSeconds(10);
    /** Picocli names a mixin after its field. */
    private static final String KAFKA_MIXIN = "kafka";

    /** The inputs, of which one call takes at most one. */
    static final class Input {
        @Option(names = "--tail", paramLabel = "FILE",
                description = "Follow FILE like tail -F, one record per line, through rotation and truncation;"
                        + " a later run resumes where this one stopped, and says so.")
        Path tail;

        @Option(names = "--exec",
                description = "Run the command given after --, echo its output and ship each line of its stdout"
                        + " and stderr; exit with its exit code.")
        boolean exec;

        @Option(names = "--test-report", paramLabel = "FILE|DIR|GLOB", arity = "1..*",
                description = "Ship Jest JSON, go test -json or JUnit XML reports as one test run, one record (at most"
                        + " 1 MiB) per file: files, directories (their *.xml, *.json and *.jsonl files) or quoted globs"
                        + " such as 'build/**/TEST-*.xml'. Each is checked first: a named file that is no report fails"
                        + " the ingest, one found in a directory or glob is skipped and told.")
        List<String> testReports;

        @Option(names = "--git-hook",
                description = "Install post-commit and post-merge hooks that ship each new commit of the repository.")
        boolean gitHook;

        @Option(names = "--commit", paramLabel = "REV", description = "Ship one commit (what the hooks run).")
        String commit;

        @Option(names = "--commits", paramLabel = "RANGE",
                description = "Ship every commit of a range such as v1.2..main or origin/main..HEAD, or all history"
                        + " of a revision such as main, oldest first.")
        String commits;
    }

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Input (at most one; default: standard input):%n")
    Input input;

    @Parameters(paramLabel = "COMMAND", description = "With --exec: the command and its arguments, after --.")
    List<String> command = new ArrayList<>();

    @Option(names = "--source", paramLabel = "SOURCE", converter = SourceName.class,
            description = "Raw topic of --tail, --exec and standard input: browser, backend, test, git, ci or agent"
                    + " (default: backend).")
    Source source;

    @Option(names = "--once", description = "With --tail: ship the lines there are now and exit.")
    boolean once;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${sys:user.home}/.braid/ingest",
            description = "Where --tail keeps its position in each file (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--format", paramLabel = "NAME",
            description = "The format of every record (header braid.format), e.g. logback or pino, instead of the"
                    + " normalize job detecting it per record: with --tail, --exec, standard input and --test-report.")
    String format;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "With --test-report: the test run (default: the CI run, else a new id).")
    String runId;

    @Option(names = "--repo-dir", paramLabel = "DIR",
            description = "With --git-hook and --commit: the repository (default: the working directory).")
    Path repoDir;

    @Option(names = "--force", description = "With --git-hook: replace a post-commit hook that is not Braid's.")
    boolean force;

    @Option(names = "--no-redact",
            description = "Ship records as they are, secrets included. By default every secret the normalize job would"
                    + " mask (tokens, keys, passwords, credentials in URLs and headers) is masked here, before it"
                    + " leaves this machine, so that the raw topics never hold one.")
    boolean noRedact;

    @Option(names = "--no-git-stamps",
            description = "Stamp only what the flags and environment give: do not take repo, branch and commit from the working"
                    + " directory's git (for records from elsewhere, shipped from an unrelated checkout).")
    boolean noGitStamps;

    @Option(names = "--tenant", paramLabel = "NAME", description = "Tenant of the records (header braid.tenant).")
    String tenant;

    @Option(names = "--session", paramLabel = "ID",
            description = "Browser session of the records (header braid.session), for CDP messages without a sessionId.")
    String session;

    @Option(names = "--service", paramLabel = "NAME",
            description = "Service of the records (default: the file name of --tail, the command of --exec).")
    String service;

    @Option(names = "--repo", paramLabel = "NAME", description = "Repository of the records (default: from CI or git).")
    String repo;

    @Option(names = "--branch", paramLabel = "NAME", description = "Branch of the records (default: from CI or git).")
    String branch;

    @Option(names = "--commit-sha", paramLabel = "SHA", description = "Commit of the records (default: from CI or git).")
    String commitSha;

    /** The stamps of the records this call ships. */
    private Stamps stamped;

    @Override
    public Integer call() throws Exception {
        validate();
        if (input == null) {
            return shipStandardInput();
        }
        if (input.tail != null) {
            return tail();
        }
        if (input.exec) {
            return exec();
        }
        if (input.testReports != null) {
            return shipTestReports();
        }
        if (input.gitHook) {
            return installGitHook();
        }
        if (input.commits != null) {
            return shipCommits();
        }
        return shipCommit();
    }

    private void validate() {
        boolean exec = input != null && input.exec;
        if (exec && command.isEmpty()) {
            throw usage("--exec needs the command after --, e.g. braid ingest --exec -- npm test");
        }
        if (!exec && !command.isEmpty()) {
            throw usage("unexpected argument(s) " + String.join(" ", command)
                    + ": to run a command, give --exec -- COMMAND");
        }
        boolean lines = input == null || input.tail != null || exec;
        onlyWith(source != null, "--source", lines, "--tail, --exec or standard input");
        onlyWith(once, "--once", input != null && input.tail != null, "--tail");
        boolean reports = input != null && input.testReports != null;
        onlyWith(runId != null, "--run-id", reports, "--test-report");
        onlyWith(format != null, "--format", lines || reports, "--tail, --exec, standard input or --test-report");
        onlyWith(force, "--force", input != null && input.gitHook, "--git-hook");
        onlyWith(repoDir != null, "--repo-dir",
                input != null && (input.gitHook || input.commit != null || input.commits != null),
                "--git-hook, --commit or --commits");
        if (format != null && lines) {
            requireFormatOf(lineSource());
        }
    }

    /** A format the normalize job does not know for the source would make every record a dead letter. */
    private void requireFormatOf(Source topicSource) {
        List<String> known = Parsers.bySource().get(topicSource).names();
        if (!known.contains(format)) {
            throw usage("--format " + format + " is not a format of the " + topicSource.name().toLowerCase()
                    + " source: use one of " + String.join(", ", known));
        }
    }

    private void onlyWith(boolean given, String option, boolean applies, String modes) {
        if (given && !applies) {
            throw usage(option + " applies only with " + modes);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private int tail() throws IOException, InterruptedException {
        Path file = input.tail.toAbsolutePath().normalize();
        requireTailable(file);
        Stamps stamps = stamps(workingDirectory(), withoutExtension(file.getFileName().toString()));
        try (Shipper shipper = open(lineSource(), stamps)) {
            FileTailer tailer = new FileTailer(file, shipper, stateDir, POLL_INTERVAL, lineHeaders());
            if (once) {
                tailer.shipAvailable();
                tellResumed(tailer, file);
                return finish(shipper);
            }
            if (!Files.exists(file)) {
                err().println("braid: waiting for " + file + " to appear");
            }
            return OnInterrupt.run(tailer::stop, GRACE, err(), () -> {
                tailer.follow();
                return finish(shipper);
            });
        }
    }

    /** A run that ships nothing because the last run got that far must not look like a broken one. */
    private void tellResumed(FileTailer tailer, Path file) {
        if (tailer.resumedAt() > 0) {
            err().println(String.format(Locale.ROOT, "braid: resumed %s at byte %,d, where the last run stopped:"
                    + " the lines before were shipped then (positions are kept in %s)", file, tailer.resumedAt(), stateDir));
        }
    }

    /** Only a file that is not there yet may be waited for, and not with --once. */
    private void requireTailable(Path file) {
        if (!Files.exists(file) && once) {
            throw new UserError("no file at " + file);
        }
        if (Files.isDirectory(file)) {
            throw new UserError("--tail " + file + " is a directory: name a file in it");
        }
        if (Files.exists(file) && !Files.isReadable(file)) {
            throw new UserError("cannot read " + file + ": permission denied");
        }
    }

    private int exec() throws IOException, InterruptedException {
        Stamps stamps = stamps(workingDirectory(), Path.of(command.get(0)).getFileName().toString());
        try (Shipper shipper = open(lineSource(), stamps)) {
            ProcessTee tee = new ProcessTee(command, shipper, bytes(stamps.service()), lineHeaders());
            return OnInterrupt.run(tee::stop, GRACE, err(), () -> {
                int exitCode = tee.run(spec.commandLine().getOut(), err());
                finish(shipper);
                return exitCode;
            });
        }
    }

    private int shipStandardInput() throws IOException, InterruptedException {
        Stamps stamps = stamps(workingDirectory(), null);
        byte[] key = bytes(stamps.service() != null ? stamps.service() : "stdin");
        try (Shipper shipper = open(lineSource(), stamps)) {
            // Reading may block on a terminal for good: Ctrl-C delivers what was read and lets the JVM go.
            return OnInterrupt.run(shipper::flush, Duration.ZERO, err(), () -> {
                LineReader lines = new LineReader(System.in);
                Shipper.Lines shipped = shipper.lines();
                LineReader.Line line;
                while ((line = lines.next()) != null) {
                    shipped.send(key, line.text(), lineHeaders());
                }
                return finish(shipper);
            });
        }
    }

    /** Every report is read and checked before the first is shipped: a run is shipped whole or not at all. */
    private int shipTestReports() {
        if (format != null) {
            requireFormatOf(Source.TEST);
        }
        Path here = Path.of("").toAbsolutePath();
        List<TestReport.File> reports = TestReport.collect(input.testReports, here, format, err());
        String run = TestReport.runId(runId, System.getenv());
        try (Shipper shipper = open(Source.TEST, stamps(workingDirectory(), null))) {
            for (TestReport.File report : reports) {
                shipper.send(bytes(run), report.content(), TestReport.headers(report.content(), run, format));
            }
            err().println("braid: test run " + run + ": " + reports.size() + (reports.size() == 1 ? " report" : " reports"));
            return finish(shipper);
        }
    }

    private int shipCommit() {
        Git git = new Git(repositoryDirectory());
        Stamps stamps = stamps(git, null);
        CommitRecord commit = CommitRecord.of(git, input.commit, stamps.repo(), stamps.branch());
        try (Shipper shipper = open(Source.GIT, stamps.withCommit(commit.sha(), "--commit " + input.commit))) {
            send(shipper, stamps, commit);
            return finish(shipper);
        }
    }

    /** Each commit of the range carries its own sha; the branch is the one being shipped from. */
    private int shipCommits() {
        Git git = new Git(repositoryDirectory());
        Stamps stamps = stamps(git, null);
        List<String> shas = CommitRecord.range(git, input.commits);
        try (Shipper shipper = open(Source.GIT, stamps.withCommit(null, "each commit of " + input.commits))) {
            for (String sha : shas) {
                send(shipper, stamps, CommitRecord.of(git, sha, stamps.repo(), stamps.branch()));
            }
            return finish(shipper);
        }
    }

    private static void send(Shipper shipper, Stamps stamps, CommitRecord commit) {
        shipper.send(bytes(stamps.repo()), commit.json().getBytes(StandardCharsets.UTF_8),
                Map.of(BraidHeaders.ID, commit.sha(), "braid.commit", commit.sha()));
    }

    private int installGitHook() {
        List<Path> hooks = GitHook.install(repositoryDirectory(), hookCommand(), force);
        err().println("braid: installed " + hooks.stream().map(Path::toString).collect(Collectors.joining(" and "))
                + ": each new commit goes to " + kafka.topics().raw(Source.GIT) + " on " + kafka.bootstrapServers());
        return 0;
    }

    /**
     * What the hooks run, before the commit and branch they add: this script with the Kafka options
     * of this call. A hook is a plain file that tools copy and print, so no credential goes into
     * it: they stay in the file of --kafka-config or $BRAID_KAFKA_CONFIG, which the hook names.
     */
    private List<String> hookCommand() {
        kafka.commandLineProperties().forEach(GitHook::requireNoCredential);
        List<String> hookCommand = new ArrayList<>(List.of(
                braidScript().toString(), "ingest", "--bootstrap-servers", kafka.bootstrapServers()));
        ParseResult parsed = spec.commandLine().getParseResult();
        for (OptionSpec option : spec.mixins().get(KAFKA_MIXIN).options()) {
            String name = option.longestName();
            if (name.equals("--bootstrap-servers")) {
                continue;
            }
            // The file, also when $BRAID_KAFKA_CONFIG named it: git runs hooks without this shell's variables.
            if (option.getValue() instanceof Path path) {
                hookCommand.addAll(List.of(name, path.toAbsolutePath().toString()));
            } else if (parsed.hasMatchedOption(option)) {
                option.originalStringValues().forEach(value -> hookCommand.addAll(List.of(name, value)));
            }
        }
        addIfGiven(hookCommand, "--tenant", tenant);
        addIfGiven(hookCommand, "--repo", repo);
        return hookCommand;
    }

    /** The {@code braid} script: {@code braid.home} is set by the script itself, else the working directory's. */
    private static Path braidScript() {
        String home = System.getProperty("braid.home");
        Path script = (home != null ? Path.of(home) : Path.of("")).toAbsolutePath().resolve("braid");
        if (!Files.isExecutable(script)) {
            throw new UserError("no braid script at " + script + ": run this through Braid's ./braid");
        }
        return script;
    }

    private Shipper open(Source topicSource, Stamps stamps) {
        stamped = stamps;
        return Shipper.open(kafka.clientProperties(), kafka.topics().raw(topicSource), stamps.headers(), !noRedact);
    }

    /** The headers of each line of --tail, --exec and standard input. */
    private Map<String, String> lineHeaders() {
        return format == null ? Map.of() : Map.of(BraidHeaders.FORMAT, format);
    }

    /**
     * Waits until the brokers have every record, then says how many went where and what they were
     * stamped with, so that a stamp from the wrong checkout shows.
     */
    private int finish(Shipper shipper) {
        shipper.flush();
        long sent = shipper.sent();
        err().println(String.format(Locale.ROOT, "braid: shipped %,d %s to %s",
                sent, sent == 1 ? "record" : "records", shipper.topic()));
        if (shipper.redacted() > 0) {
            err().println(String.format(Locale.ROOT, "braid: masked secrets in %,d of them (--no-redact ships them as they are)",
                    shipper.redacted()));
        }
        err().println("braid: stamped with " + stamped.describe());
        err().flush();
        return 0;
    }

    private Stamps stamps(Git git, String defaultService) {
        Stamps flags = Stamps.flags(tenant, session, service, repo, branch, commitSha);
        return Stamps.resolve(flags, System.getenv(), noGitStamps ? null : git, defaultService);
    }

    private Source lineSource() {
        return source != null ? source : Source.BACKEND;
    }

    private static Git workingDirectory() {
        return new Git(Path.of("").toAbsolutePath());
    }

    private Path repositoryDirectory() {
        return (repoDir != null ? repoDir : Path.of("")).toAbsolutePath();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private static String withoutExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? fileName : fileName.substring(0, dot);
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static void addIfGiven(List<String> arguments, String option, String value) {
        if (value != null) {
            arguments.addAll(List.of(option, value));
        }
    }

    /** A source by its name in any case, as in the topic names. */
    static final class SourceName implements ITypeConverter<Source> {
        @Override
        public Source convert(String name) {
            for (Source source : Source.values()) {
                if (source.name().equalsIgnoreCase(name)) {
                    return source;
                }
            }
            throw new TypeConversionException(
                    "'" + name + "' is not a source: use browser, backend, test, git, ci or agent");
        }
    }
}
