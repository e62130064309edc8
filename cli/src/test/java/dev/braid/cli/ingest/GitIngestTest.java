package dev.braid.cli.ingest;

import dev.braid.cli.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.git.GitHookParser;
import dev.braid.schema.Commit;
import dev.braid.schema.FileChange;
import dev.braid.schema.NormalizedEvent;
import dev.braid.testing.KafkaBrokerExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GitIngestTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path repo;
    private Path braidHome;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepos.init(dir.resolve("demo-service"));
        // A stand-in for ./braid that notes what the hook ran it with.
        braidHome = Files.createDirectories(dir.resolve("braid-home"));
        Path script = Files.writeString(braidHome.resolve("braid"), "#!/bin/sh\n"
                + "cd \"$(dirname \"$0\")\" && printf '%s\\n' \"$@\" > args.tmp && mv args.tmp args\n"
                + "echo \"$*\" >> calls\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty("braid.home", braidHome.toString());
    }

    @AfterEach
    void clearBraidHome() {
        System.clearProperty("braid.home");
    }

    @Test
    void commitShipsTheRecordOfTheHookContract() throws Exception {
        String root = TestRepos.commit(repo, "Initial commit", "README.md", "# demo\n", "docs/notes.txt", "notes\n",
                "docs/file with spaces & \"quotes\".txt", "odd\n", "src/app.py", "print(1)\n");
        TestRepos.git(repo, "checkout", "-q", "-b", "feature/login");
        TestRepos.git(repo, "mv", "docs/notes.txt", "docs/NOTES.md");
        TestRepos.git(repo, "rm", "-q", "docs/file with spaces & \"quotes\".txt");
        String message = "Add \"login\" flow (BR-42)\n\n\t- a tab, a backslash \\ and unicode: café ✓\n\n"
                + "Co-authored-by: Carol <carol@example.com>";
        String head = TestRepos.commit(repo, message, "src/app.py", "print(2)\n", "src/login.py", "login()\n");
        String topic = TestTopics.create(KAFKA, "raw.git");

        CliRun run = CliRun.of("ingest", "--commit", "HEAD", "--repo-dir", repo.toString(), "--repo", "demo-service",
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "raw.git=" + topic);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).startsWith("braid: shipped 1 record to " + topic + "\n").contains("\nbraid: stamped with ");
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.client().readUncommitted(topic);
        assertThat(records).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = records.get(0);
        assertThat(CliRun.key(record)).isEqualTo("demo-service");
        assertThat(CliRun.header(record, BraidHeaders.ID)).isEqualTo(head);
        assertThat(CliRun.header(record, "braid.commit")).isEqualTo(head);
        assertThat(CliRun.header(record, "braid.repo")).isEqualTo("demo-service");

        JsonNode commit = JSON.readTree(record.value());
        assertThat(commit.get("type").asText()).isEqualTo("git.commit");
        assertThat(commit.get("repo").asText()).isEqualTo("demo-service");
        assertThat(commit.get("branch").asText()).isEqualTo(CliRun.header(record, "braid.branch"));
        assertThat(commit.get("sha").asText()).isEqualTo(head);
        assertThat(commit.get("parents")).extracting(JsonNode::asText).containsExactly(root);
        assertThat(commit.get("author").get("name").asText()).isEqualTo("Alice Example");
        assertThat(commit.get("committer").get("email").asText()).isEqualTo("alice@example.com");
        assertThat(OffsetDateTime.parse(commit.get("time").asText())).isNotNull();
        assertThat(commit.get("message").asText()).isEqualTo(message);
        assertThat(commit.get("files")).extracting(file -> file.get("status").asText() + " " + file.get("path").asText())
                .containsExactlyInAnyOrder("R docs/NOTES.md", "D docs/file with spaces & \"quotes\".txt",
                        "M src/app.py", "A src/login.py");

        NormalizedEvent.Builder parsed = parse(record);
        Commit payload = (Commit) parsed.getPayload();
        assertThat(payload.getSha()).isEqualTo(head);
        assertThat(payload.getParents()).containsExactly(root);
        assertThat(payload.getFiles()).extracting(FileChange::getPath).hasSize(4).contains("src/login.py");
        assertThat(parsed.getMessage()).isEqualTo("Add \"login\" flow (BR-42)");
    }

    @Test
    void aRootCommitHasNoParentsAndAddsEveryFile() throws Exception {
        String root = TestRepos.commit(repo, "Initial commit", "README.md", "# demo\n", "src/app.py", "print(1)\n");
        String topic = TestTopics.create(KAFKA, "raw.git");

        CliRun run = CliRun.of("ingest", "--commit", "HEAD", "--repo-dir", repo.toString(),
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "raw.git=" + topic);

        assertThat(run.exitCode()).as(run.err()).isZero();
        ConsumerRecord<byte[], byte[]> record = KAFKA.client().readUncommitted(topic).get(0);
        JsonNode commit = JSON.readTree(record.value());
        assertThat(commit.get("sha").asText()).isEqualTo(root);
        assertThat(commit.get("parents")).isEmpty();
        assertThat(commit.get("message").asText()).isEqualTo("Initial commit");
        assertThat(commit.get("files")).extracting(file -> file.get("status").asText() + " " + file.get("path").asText())
                .containsExactly("A README.md", "A src/app.py");
        assertThat(((Commit) parse(record).getPayload()).getParents()).isEmpty();
    }

    @Test
    void theHookRunsBraidInTheBackgroundOnEachCommit() throws Exception {
        CliRun run = CliRun.of("ingest", "--git-hook", "--repo-dir", repo.toString(),
                "--bootstrap-servers", "kafka-1:9092", "-X", "security.protocol=SASL_SSL",
                "--topic", "raw.git=team.raw.git", "--tenant", "acme");

        Path hook = repo.resolve(".git/hooks/post-commit");
        Path mergeHook = repo.resolve(".git/hooks/post-merge");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEqualTo("braid: installed " + hook + " and " + mergeHook
                + ": each new commit goes to team.raw.git on kafka-1:9092\n");
        assertThat(List.of(hook, mergeHook)).allSatisfy(script -> {
            assertThat(Files.isExecutable(script)).isTrue();
            assertThat(Files.readString(script)).startsWith("#!/bin/sh\n").contains(GitHook.MARKER)
                    .contains(" </dev/null >/dev/null 2>&1 &\n").endsWith("exit 0\n");
        });

        String sha = TestRepos.commit(repo, "Initial commit", "README.md", "# demo\n");

        assertThat(awaitHookArguments()).containsExactly("ingest",
                "--bootstrap-servers", "kafka-1:9092", "--kafka-property", "security.protocol=SASL_SSL",
                "--topic", "raw.git=team.raw.git", "--tenant", "acme", "--commit", sha, "--branch", "main");
    }

    @Test
    void theHookIsItsOwnersAloneAndHoldsNoCredential() throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"),
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"braid\" password=\"hookSecret-0417\";\n");

        CliRun withPassword = CliRun.of("ingest", "--git-hook", "--repo-dir", repo.toString(), "-X",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"braid\" password=\"hookSecret-0417\";");
        CliRun withTokenValue = CliRun.of("ingest", "--git-hook", "--repo-dir", repo.toString(),
                "-X", "client.id=ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        CliRun withFile = CliRun.of("ingest", "--git-hook", "--repo-dir", repo.toString(),
                "--kafka-config", config.toString(), "-X", "security.protocol=SASL_SSL");

        assertThat(List.of(withPassword, withTokenValue)).allSatisfy(refused -> {
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).startsWith("braid: --git-hook would write -X ").contains("--kafka-config FILE")
                    .doesNotContain("hookSecret-0417").hasLineCount(1);
        });
        assertThat(withFile.exitCode()).as(withFile.err()).isZero();
        for (String name : List.of("post-commit", "post-merge")) {
            Path hook = repo.resolve(".git/hooks/" + name);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hook))).isEqualTo("rwx------");
            assertThat(Files.readString(hook)).contains("--kafka-config " + config.toAbsolutePath())
                    .doesNotContain("hookSecret-0417");
        }
        try (var leftovers = Files.list(repo.resolve(".git/hooks"))) {
            assertThat(leftovers.map(Path::getFileName).map(Path::toString)).noneMatch(file -> file.endsWith(".tmp"));
        }
    }

    /** The hooks name the commit they ran for: braid starts a second later, when HEAD may have moved on. */
    @Test
    void eachCommitAndMergeIsShippedOnceWithItsBranchThroughQuickCommitsAndSwitches() throws Exception {
        assertThat(CliRun.of("ingest", "--git-hook", "--repo-dir", repo.toString()).exitCode()).isZero();
        Map<String, String> made = TestRepos.quickCommitsSwitchesAndAMerge(repo);
        TestRepos.git(repo, "checkout", "-q", "--detach");

        Map<String, String> shipped = new java.util.LinkedHashMap<>();
        for (String call : awaitCalls(made.size())) {
            List<String> words = List.of(call.split(" "));
            String commit = words.get(words.indexOf("--commit") + 1);
            assertThat(shipped.put(commit, words.get(words.indexOf("--branch") + 1))).as("shipped twice: " + commit).isNull();
        }
        assertThat(shipped).isEqualTo(made);
    }

    @Test
    void aHookThatIsNotBraidsIsReplacedOnlyWithForce() throws Exception {
        Path hook = Files.createDirectories(repo.resolve(".git/hooks")).resolve("post-commit");
        Files.writeString(hook, "#!/bin/sh\necho mine\n");

        CliRun refused = CliRun.of("ingest", "--git-hook", "--repo-dir", repo.toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("braid: " + hook + " exists and is not Braid's").contains("--force")
                .hasLineCount(1);
        assertThat(Files.readString(hook)).isEqualTo("#!/bin/sh\necho mine\n");

        assertThat(CliRun.of("ingest", "--git-hook", "--repo-dir", repo.toString(), "--force").exitCode()).isZero();
        assertThat(Files.readString(hook)).contains(GitHook.MARKER);
        assertThat(CliRun.of("ingest", "--git-hook", "--repo-dir", repo.toString()).exitCode())
                .as("Braid's own hook is replaced without --force").isZero();
    }

    @Test
    void outsideARepositoryHookAndCommitAreUserErrors() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));

        CliRun hook = CliRun.of("ingest", "--git-hook", "--repo-dir", elsewhere.toString());
        CliRun commit = CliRun.of("ingest", "--commit", "HEAD", "--repo-dir", elsewhere.toString());

        assertThat(hook.exitCode()).isEqualTo(1);
        assertThat(hook.err()).isEqualTo("braid: " + elsewhere + " is not in a git repository\n");
        assertThat(commit.exitCode()).isEqualTo(1);
        assertThat(commit.err()).startsWith("braid: git log failed in " + elsewhere + ": fatal: not a git repository")
                .hasLineCount(1);
    }

    /** The calls the hooks made, once there are {@code count}; a hook runs braid in the background. */
    private List<String> awaitCalls(int count) throws Exception {
        Path calls = braidHome.resolve("calls");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((!Files.exists(calls) || Files.readAllLines(calls).size() < count) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(calls).as("the hooks ran braid").exists();
        return Files.readAllLines(calls);
    }

    private List<String> awaitHookArguments() throws Exception {
        Path args = braidHome.resolve("args");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(args) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(args).as("the hook ran braid").exists();
        return new ArrayList<>(Files.readAllLines(args));
    }

    private static NormalizedEvent.Builder parse(ConsumerRecord<byte[], byte[]> record) throws Exception {
        List<NormalizedEvent.Builder> drafts = new GitHookParser().parse(new ParseInput(CliRun.value(record), Map.of(), 0L));
        assertThat(drafts).hasSize(1);
        return drafts.get(0);
    }
}
