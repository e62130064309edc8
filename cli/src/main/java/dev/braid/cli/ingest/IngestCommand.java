package dev.braid.cli.ingest;

import dev.braid.cli.KafkaOptions;
import dev.braid.cli.UserError;
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
            "Every record carries the keys it is known by as braid.* headers: --tenant, --service, --repo,"
                    + " --branch and --commit-sha, else $BRAID_TENANT, $BRAID_SERVICE, ..., the CI system's"
                    + " variables and git in the working directory."},
        footer = {
            "%nExamples:",
            "  braid ingest --tail logs/server.log --service checkout",
            "  braid ingest --exec -- npm run dev",
            "  braid ingest --test-report reports/jest.json",
            "  braid ingest --git-hook",
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
                        + " a later run resumes where this one stopped.")
        Path tail;

        @Option(names = "--exec",
                description = "Run the command given after --, echo its output and ship each line of its stdout"
                        + " and stderr; exit with its exit code.")
        boolean exec;

        @Option(names = "--test-report", paramLabel = "FILE",
                description = "Ship a Jest JSON, go test -json or JUnit XML report as one record (at most 1 MiB).")
        Path testReport;

        @Option(names = "--git-hook",
                description = "Install a post-commit hook that ships each new commit of the repository.")
        boolean gitHook;

        @Option(names = "--commit", paramLabel = "REV", description = "Ship one commit (what the hook runs).")
        String commit;
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
            description = "With --test-report: the parser to use (header braid.format) instead of detecting it.")
    String format;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "With --test-report: the test run (default: the CI run, else a new id).")
    String runId;

    @Option(names = "--repo-dir", paramLabel = "DIR",
            description = "With --git-hook and --commit: the repository (default: the working directory).")
    Path repoDir;

    @Option(names = "--force", description = "With --git-hook: replace a post-commit hook that is not Braid's.")
    boolean force;

    @Option(names = "--tenant", paramLabel = "NAME", description = "Tenant of the records (header braid.tenant).")
    String tenant;

    @Option(names = "--service", paramLabel = "NAME",
            description = "Service of the records (default: the file name of --tail, the command of --exec).")
    String service;

    @Option(names = "--repo", paramLabel = "NAME", description = "Repository of the records (default: from CI or git).")
    String repo;

    @Option(names = "--branch", paramLabel = "NAME", description = "Branch of the records (default: from CI or git).")
    String branch;

    @Option(names = "--commit-sha", paramLabel = "SHA", description = "Commit of the records (default: from CI or git).")
    String commitSha;

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
        if (input.testReport != null) {
            return shipTestReport();
        }
        if (input.gitHook) {
            return installGitHook();
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
        onlyWith(format != null || runId != null, "--format and --run-id", input != null && input.testReport != null,
                "--test-report");
        onlyWith(force, "--force", input != null && input.gitHook, "--git-hook");
        onlyWith(repoDir != null, "--repo-dir", input != null && (input.gitHook || input.commit != null),
                "--git-hook or --commit");
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
            FileTailer tailer = new FileTailer(file, shipper, stateDir, POLL_INTERVAL);
            if (once) {
                tailer.shipAvailable();
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
            ProcessTee tee = new ProcessTee(command, shipper, bytes(stamps.service()));
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
                LineReader.Line line;
                while ((line = lines.next()) != null) {
                    if (!line.isBlank()) {
                        shipper.send(key, line.text(), Map.of());
                    }
                }
                return finish(shipper);
            });
        }
    }

    private int shipTestReport() {
        byte[] report = TestReport.read(input.testReport);
        String run = TestReport.runId(runId, System.getenv());
        try (Shipper shipper = open(Source.TEST, stamps(workingDirectory(), null))) {
            shipper.send(bytes(run), report, TestReport.headers(report, run, format));
            return finish(shipper);
        }
    }

    private int shipCommit() {
        Git git = new Git(repositoryDirectory());
        Stamps stamps = stamps(git, null);
        CommitRecord commit = CommitRecord.of(git, input.commit, stamps.repo(), stamps.branch());
        try (Shipper shipper = open(Source.GIT, stamps.withCommit(commit.sha()))) {
            shipper.send(bytes(stamps.repo()), commit.json().getBytes(StandardCharsets.UTF_8),
                    Map.of(BraidHeaders.ID, commit.sha()));
            return finish(shipper);
        }
    }

    private int installGitHook() {
        Path hook = GitHook.install(repositoryDirectory(), hookCommand(), force);
        err().println("braid: installed " + hook + ": each new commit goes to " + kafka.topics().raw(Source.GIT)
                + " on " + kafka.bootstrapServers());
        return 0;
    }

    /** What the hook runs: this script with the Kafka options of this call, paths made absolute. */
    private List<String> hookCommand() {
        List<String> hookCommand = new ArrayList<>(List.of(
                braidScript().toString(), "ingest", "--commit", "HEAD", "--bootstrap-servers", kafka.bootstrapServers()));
        ParseResult parsed = spec.commandLine().getParseResult();
        for (OptionSpec option : spec.mixins().get(KAFKA_MIXIN).options()) {
            String name = option.longestName();
            if (!parsed.hasMatchedOption(option) || name.equals("--bootstrap-servers")) {
                continue;
            }
            if (option.getValue() instanceof Path path) {
                hookCommand.addAll(List.of(name, path.toAbsolutePath().toString()));
            } else {
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
        return Shipper.open(kafka.clientProperties(), kafka.topics().raw(topicSource), stamps.headers());
    }

    /** Waits until the brokers have every record, then says how many went where. */
    private int finish(Shipper shipper) {
        shipper.flush();
        long sent = shipper.sent();
        err().println(String.format(Locale.ROOT, "braid: shipped %,d %s to %s",
                sent, sent == 1 ? "record" : "records", shipper.topic()));
        err().flush();
        return 0;
    }

    private Stamps stamps(Git git, String defaultService) {
        Stamps flags = new Stamps(tenant, service, repo, branch, commitSha);
        return Stamps.resolve(flags, System.getenv(), git, defaultService);
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
