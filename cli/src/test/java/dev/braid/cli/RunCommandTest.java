package dev.braid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.RawInput;
import dev.braid.connectors.Topics;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;
import dev.braid.testing.OtlpExports;

import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code braid run} against a broker it did not start: fail-fast checks, then stop and resume. */
class RunCommandTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path state;

    @Test
    void missingTopicsAndBadOptionsStopItAtStartWithOneLine() {
        Configuration config = FreshTopics.on(KAFKA);
        CliRun missing = CliRun.on(config, List.of("run", "--rest-port", "0", "--state-dir", state.toString()));
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("braid: topic(s) raw.browser.").contains("--create-topics").hasLineCount(1);

        CliRun badValue = CliRun.on(config, List.of("run", "--rest-port", "0", "--state-dir", state.toString()),
                "--set", "braid.correlate.inactivity-gap=0 s");
        assertThat(badValue.exitCode()).isEqualTo(1);
        assertThat(badValue.err()).startsWith("braid: invalid configuration: braid.correlate.inactivity-gap").hasLineCount(1);

        CliRun unknown = CliRun.on(config, List.of("run", "--rest-port", "0", "--state-dir", state.toString()), "--set", "braid.correlat.inactivity-gap=1m");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("braid: unknown option(s) [braid.correlat.inactivity-gap]").hasLineCount(1);
    }

    @Test
    void stoppedAndStartedAgainItResumesFromItsCheckpointWithoutRepeatingOutput() throws Exception {
        Configuration config = FreshTopics.on(KAFKA);
        Topics topics = Topics.from(config);
        List<String> run = List.of("run", "--jobs", "normalize", "--create-topics", "--rest-port", "0", "--state-dir", state.toString(),
                "--set", "braid.checkpoint-interval=500 ms", "--set", "braid.normalize.group-id=run-test-" + topics.events());

        int metricsPort = BackgroundRun.freePort();
        List<String> firstRun = new ArrayList<>(run);
        firstRun.addAll(List.of("--metrics-port", String.valueOf(metricsPort)));
        BackgroundRun first = BackgroundRun.start(config, firstRun);
        BackgroundRun.awaitTopic(KAFKA.bootstrapServers(), topics.raw(Source.BACKEND));
        BackgroundRun.sendLine(KAFKA.client(), topics, "first line");
        KAFKA.client().awaitCommitted(topics.events(), 1, Duration.ofSeconds(60));
        String metrics = BackgroundRun.scrape(metricsPort);
        CliRun stopped = first.stop();
        assertThat(metrics).as("every path a record can take is on the Prometheus endpoint")
                .contains("_eventsOut", "_eventTimesClamped", "_deadLetters_UNPARSEABLE", "_duplicatesDropped");
        assertThat(stopped.exitCode()).as(stopped.err()).isZero();

        BackgroundRun second = BackgroundRun.start(config, run);
        BackgroundRun.sendLine(KAFKA.client(), topics, "second line");
        KAFKA.client().awaitCommitted(topics.events(), 2, Duration.ofSeconds(60));
        Thread.sleep(2_000); // room for a repeat of the first line to show up, were it replayed
        CliRun resumed = second.stop();
        assertThat(resumed.out()).contains("resumed from " + state.resolve("checkpoints"));
        assertThat(AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.events()), NormalizedEvent.class))
                .extracting(NormalizedEvent::getMessage).containsExactlyInAnyOrder("first line", "second line");
    }

    @Test
    void itStartsWithoutTheCollectorsTopicsAndReadsThemOnceTheyAreCreated() throws Exception {
        Configuration config = FreshTopics.on(KAFKA);
        Topics topics = Topics.from(config);
        KAFKA.createTopics(topics.all().stream().filter(topic -> !topics.optional().contains(topic.name())).toList());
        BackgroundRun running = BackgroundRun.start(config, List.of("run", "--jobs", "normalize", "--rest-port", "0",
                "--state-dir", state.toString(), "--set", "braid.checkpoint-interval=500 ms",
                "--set", "braid.normalize.group-id=otlp-test-" + topics.events()));
        BackgroundRun.sendLine(KAFKA.client(), topics, "before the collector came");
        KAFKA.client().awaitCommitted(topics.events(), 1, Duration.ofSeconds(60));

        KAFKA.createTopics(topics.all().stream().filter(topic -> topic.name().equals(topics.input(RawInput.OTLP_SPANS))).toList());
        KAFKA.client().send(List.of(new ProducerRecord<>(topics.input(RawInput.OTLP_SPANS), null, System.currentTimeMillis(),
                null, OtlpExports.protobufSpans(List.of(oneSpan())))));
        // Partition discovery looks for the new topic every minute.
        KAFKA.client().awaitCommitted(topics.events(), 2, Duration.ofMinutes(3));
        CliRun stopped = running.stop();

        assertThat(stopped.exitCode()).as(stopped.err()).isZero();
        assertThat(AvroRecords.decodeAll(KAFKA.client().readCommitted(topics.events()), NormalizedEvent.class))
                .extracting(NormalizedEvent::getKind).containsExactlyInAnyOrder("log", "span");
    }

    private static SpanData oneSpan() {
        List<SpanData> spans = new ArrayList<>();
        try (SdkTracerProvider tracing = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(OtlpExports.recording(spans))).build()) {
            tracing.get("run-test").spanBuilder("GET /health").startSpan().end();
        }
        return spans.get(0);
    }
}
