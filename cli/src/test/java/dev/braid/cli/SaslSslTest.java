package dev.braid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.embedded.EmbeddedKafka;
import dev.braid.testing.CapturedLogs;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.TestCertificates;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Braid against a broker that takes only SASL_SSL, SCRAM-SHA-512 over TLS with a CA made for the
 * test, as managed Kafka services run it: the jobs ({@code braid run}) and the commands that ship
 * and read ({@code ingest}, {@code observe}) connect with the documented {@code --kafka-config};
 * a wrong password and an untrusted certificate each fail in one line that says what to fix; and
 * no credential appears in any output or log line.
 */
class SaslSslTest {

    private static final String USER = "braid";
    private static final String PASSWORD = "scram-Pa55-0419-secret";
    private static final String WRONG_PASSWORD = "not-the-Pa55-7731";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    static Path dir;

    private static TestCertificates certificates;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        certificates = TestCertificates.create(dir);
        kafka = EmbeddedKafka.start(new EmbeddedKafka.SaslSsl(certificates.brokerKeyStore(), certificates.password(),
                Map.of(USER, PASSWORD)));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void theJobsAndTheCommandsConnectWithTheDocumentedFlagsAndLogNoCredential() throws Exception {
        Configuration config = FreshTopics.on(kafka.bootstrapServers(), "sasl");
        Path clientConfig = clientConfig("client.properties", PASSWORD, certificates.trustStore());
        List<CliRun> runs = new ArrayList<>();
        String logs;
        try (CapturedLogs captured = CapturedLogs.fromInfo()) {
            BackgroundRun run = BackgroundRun.start(config, List.of("run", "--create-topics", "--rest-port", "0",
                    "--metrics-port", "0", "--state-dir", dir.resolve("state").toString(), "--kafka-config", clientConfig.toString(),
                    "--set", "braid.checkpoint-interval=500 ms"));
            runs.add(shipUntilTheTopicsExist(config, clientConfig));
            CliRun timeline = observeUntil(config, clientConfig, List.of("observe", "timeline", "--since", "all"), "payment declined");
            runs.add(timeline);
            runs.add(CliRun.on(config, List.of("observe", "trace", TRACE), "--since", "all", "--kafka-config", clientConfig.toString()));
            runs.add(CliRun.on(config, List.of("observe", "alerts"), "--kafka-config", clientConfig.toString()));
            runs.add(run.stop());
            logs = captured.text();
        }

        assertThat(runs).allSatisfy(run -> assertThat(run.exitCode()).as(run.err()).isZero());
        assertThat(runs.get(2).out()).contains(TRACE).contains("payment declined");
        assertThat(logs).as("what the Kafka clients and Flink logged").contains("SASL_SSL").doesNotContain(PASSWORD);
        assertThat(runs).allSatisfy(run -> assertThat(run.out() + run.err()).doesNotContain(PASSWORD));
    }

    @Test
    void aWrongPasswordIsOneLineThatSaysWhatToFix() throws Exception {
        Configuration config = FreshTopics.on(kafka.bootstrapServers(), "sasl-wrong");
        Path wrong = clientConfig("wrong-password.properties", WRONG_PASSWORD, certificates.trustStore());

        for (CliRun refused : List.of(
                CliRun.on(config, List.of("observe", "timeline"), "--kafka-config", wrong.toString()),
                CliRun.piped("a line\n".getBytes(StandardCharsets.UTF_8),
                        () -> CliRun.on(config, List.of("ingest"), "--kafka-config", wrong.toString())),
                CliRun.on(config, List.of("run", "--rest-port", "0", "--state-dir", dir.resolve("wrong").toString()),
                        "--kafka-config", wrong.toString()))) {
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).isEqualTo("braid: Kafka at " + kafka.bootstrapServers() + " refused the credentials"
                    + " (SCRAM-SHA-512 authentication failed): check the username and password of sasl.jaas.config in"
                    + " --kafka-config\n");
            assertThat(refused.out()).doesNotContain(WRONG_PASSWORD);
        }
    }

    @Test
    void anUntrustedCertificateIsOneLineThatSaysWhatToFix() throws Exception {
        Configuration config = FreshTopics.on(kafka.bootstrapServers(), "sasl-untrusted");
        Path untrusted = clientConfig("untrusted.properties", PASSWORD, certificates.untrustedTrustStore());

        CliRun refused = CliRun.on(config, List.of("observe", "timeline"), "--kafka-config", untrusted.toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("braid: the TLS certificate of Kafka at " + kafka.bootstrapServers()
                        + " is not trusted (unable to find valid certification path to requested target): set"
                        + " ssl.truststore.location and ssl.truststore.password in --kafka-config")
                .hasLineCount(1).doesNotContain(PASSWORD);
    }

    /** The client properties a user of a SASL_SSL cluster writes, readable by them alone. */
    private static Path clientConfig(String name, String password, Path trustStore) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, String.join("\n",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                        + "\" password=\"" + password + "\";",
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + trustStore,
                "ssl.truststore.password=" + certificates.password(),
                ""));
        return file;
    }

    /** Ships an error log line with a trace id once {@code braid run --create-topics} has made the raw topics. */
    private static CliRun shipUntilTheTopicsExist(Configuration config, Path clientConfig) throws InterruptedException {
        byte[] line = ("{\"level\":50,\"time\":" + System.currentTimeMillis() + ",\"msg\":\"payment declined\",\"trace_id\":\""
                + TRACE + "\"}\n").getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + WAIT.toNanos();
        CliRun ingest;
        do {
            ingest = CliRun.piped(line, () -> CliRun.on(config, List.of("ingest"), "--kafka-config", clientConfig.toString()));
            if (ingest.exitCode() == 0 || !ingest.err().contains("do not exist")) {
                return ingest;
            }
            Thread.sleep(200); // a retry interval: the condition is the topics' existence
        } while (System.nanoTime() < deadline);
        return ingest;
    }

    /** Runs an observe command until its output contains {@code expected}: the jobs commit at their next checkpoint. */
    private static CliRun observeUntil(Configuration config, Path clientConfig, List<String> command, String expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        CliRun observe;
        do {
            observe = CliRun.on(config, command, "--kafka-config", clientConfig.toString());
            if (observe.exitCode() != 0 || observe.out().contains(expected)) {
                return observe;
            }
            Thread.sleep(200); // a retry interval: the condition is the committed event
        } while (System.nanoTime() < deadline);
        return observe;
    }
}
