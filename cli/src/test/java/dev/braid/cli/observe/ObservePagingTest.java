package dev.braid.cli.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cli.CliRun;
import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.Topics;
import dev.braid.normalize.EventKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.Events;
import dev.braid.testing.FreshTopics;
import dev.braid.testing.KafkaBrokerExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paging through committed events: every record once across pages, in event-time order although
 * the partitions hold them shuffled, never more than the budget.
 */
class ObservePagingTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int EVENTS = 150;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT = Pattern.compile("-- next page: \\./braid (.*)");

    private static Configuration config;

    @BeforeAll
    static void publishEvents() {
        config = FreshTopics.on(KAFKA);
        Topics topics = Topics.from(config);
        KAFKA.createTopics(topics.all());
        List<NormalizedEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            Level level = i % 5 == 0 ? Level.ERROR : Level.INFO;
            String message = i % 10 == 3 ? "x".repeat(30_000) : "line " + i;
            events.add(Events.event("e" + i, i * 1_000L, i % 3 == 0 ? Source.BROWSER : Source.BACKEND, "log", level, message)
                    .setTraceId(i % 2 == 0 ? Events.TRACE : null).build());
        }
        // Out of order within the out-of-orderness, across the three partitions, as the normalize job writes.
        Collections.shuffle(events, new Random(7));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (NormalizedEvent event : events) {
            records.add(new ProducerRecord<>(topics.events(), null, event.getEventTime().toEpochMilli(),
                    EventKeys.bestKey(event).getBytes(StandardCharsets.UTF_8), AvroRecords.encode(event)));
        }
        KAFKA.client().send(records);
    }

    @Test
    void humanPagesShowEveryEventOnceInTimeOrderAndTheCommandForTheNextPage() {
        List<String> ids = new ArrayList<>();
        List<String> args = timeline("--since", "all", "--limit", "7", "--level", "info");
        for (int pages = 0; args != null; pages++) {
            assertThat(pages).isLessThan(EVENTS);
            CliRun page = CliRun.of(args.toArray(String[]::new));
            assertThat(page.exitCode()).as(page.err()).isZero();
            assertThat(page.out().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(Page.MAX_BYTES);
            page.out().lines().filter(line -> line.matches("^\\d{4}-.*")).forEach(line -> ids.add(idOf(line)));
            args = next(page.out());
        }
        assertThat(ids).containsExactlyElementsOf(allIds(1));
    }

    @Test
    void aPageStaysOnTheRecordsOfTheFirstPageWhileTheJobsKeepWriting() {
        CliRun first = CliRun.of(timeline("--since", "all", "--limit", "100").toArray(String[]::new));
        // After every event so far, at DEBUG so that the tests counting INFO and above never see it.
        NormalizedEvent later = Events.event("later", 1_000_000L, Source.BACKEND, "log", Level.DEBUG, "written after page one")
                .build();
        KAFKA.client().send(List.of(new ProducerRecord<>(Topics.from(config).events(), null, later.getEventTime().toEpochMilli(),
                EventKeys.bestKey(later).getBytes(StandardCharsets.UTF_8), AvroRecords.encode(later))));

        CliRun second = CliRun.of(next(first.out()).toArray(String[]::new));
        assertThat(second.out().lines().filter(line -> line.matches("^\\d{4}-.*")).map(ObservePagingTest::idOf))
                .containsExactlyElementsOf(allIds(1).subList(100, EVENTS));
        assertThat(second.out()).contains("; no more.");
    }

    @Test
    void anEmptyWindowSaysThatOlderRecordsExistAndHowToSeeThem() throws Exception {
        CliRun recent = CliRun.of(timeline().toArray(String[]::new));
        assertThat(recent.exitCode()).as(recent.err()).isZero();
        assertThat(recent.out()).contains("-- 0 events shown; no more.")
                .containsPattern("-- 1[0-9]{2} older records are on .*, before .*: widen the window with --since");

        CliRun json = CliRun.of(timeline("--json").toArray(String[]::new));
        assertThat(JSON.readTree(json.out()).get("note").asText()).contains("older records");
    }

    @Test
    void jsonPagesStayUnderTheByteBudgetAndCoverEveryMatchingEventOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        List<String> args = timeline("--since", "all", "--json", "--max-bytes", "4000", "--level", "error");
        while (args != null) {
            CliRun page = CliRun.of(args.toArray(String[]::new));
            assertThat(page.exitCode()).as(page.err()).isZero();
            assertThat(page.out().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4000);
            JsonNode document = JSON.readTree(page.out());
            document.get("records").forEach(record -> {
                assertThat(record.get("level").asText()).isEqualTo("ERROR");
                ids.add(record.get("id").asText());
            });
            args = document.get("more").asBoolean() ? split(document.get("next").asText()) : null;
        }
        assertThat(ids).containsExactlyElementsOf(allIds(5));
    }

    @Test
    void filtersBySourceAndTrace() {
        CliRun browser = CliRun.of(timeline("--since", "all", "--limit", "1000", "--source", "browser", "--trace", Events.TRACE)
                .toArray(String[]::new));
        assertThat(browser.out().lines().filter(line -> line.contains(" browser ")).count()).isEqualTo(EVENTS / 6);
        assertThat(browser.out()).doesNotContain(" backend ");
    }

    @Test
    void anOpenTraceShowsItsEventsSoFar() {
        CliRun trace = CliRun.on(config, List.of("observe", "trace", Events.TRACE), "--since", "all", "--limit", "1000");
        assertThat(trace.exitCode()).as(trace.err()).isZero();
        assertThat(trace.out()).contains("is still open").contains(EVENTS / 2 + " events so far");
        List<String> times = trace.out().lines().filter(line -> line.matches("^\\d{4}-.*"))
                .map(line -> line.substring(0, line.indexOf(' '))).toList();
        assertThat(times).hasSize(EVENTS / 2).isSortedAccordingTo(Comparator.comparing(Instant::parse));

        CliRun json = CliRun.on(config, List.of("observe", "trace", Events.TRACE), "--since", "all", "--json");
        assertThat(json.out()).contains("\"open\":true");
    }

    @Test
    void anUnknownTraceABadCursorAndAMissingTopicAreOneLineErrors() {
        CliRun unknown = CliRun.on(config, List.of("observe", "trace", "0123456789abcdef0123456789abcdef"), "--since", "all");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("braid: no trace 0123456789abcdef0123456789abcdef").hasLineCount(1);

        CliRun badCursor = CliRun.on(config, List.of("observe", "timeline"), "--cursor", "bm90LWEtY3Vyc29y");
        assertThat(badCursor.exitCode()).isEqualTo(1);
        assertThat(badCursor.err()).startsWith("braid: --cursor").hasLineCount(1);

        CliRun missing = CliRun.of("observe", "timeline", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "events=no.such.topic");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("braid: topic(s) no.such.topic do not exist").hasLineCount(1);

        CliRun badFlag = CliRun.of("observe", "timeline", "--level", "loud");
        assertThat(badFlag.exitCode()).isEqualTo(2);
        assertThat(badFlag.err()).startsWith("braid: ").contains("--level");
    }

    /** Ids of every {@code step}-th event, in time order. */
    private static List<String> allIds(int step) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < EVENTS; i += step) {
            ids.add("e" + i);
        }
        return ids;
    }

    private static List<String> timeline(String... more) {
        List<String> args = new ArrayList<>(List.of("observe", "timeline"));
        args.addAll(CliRun.kafkaFlags(config));
        args.addAll(List.of(more));
        return args;
    }

    private static List<String> next(String out) {
        Matcher next = NEXT.matcher(out);
        return next.find() ? split(next.group(1)) : null;
    }

    /** The printed command's arguments; Braid quotes only what needs it, which these tests never do. */
    private static List<String> split(String command) {
        return new ArrayList<>(List.of(command.replaceFirst("^\\./braid ", "").split(" ")));
    }

    /** Event e<n> happened n seconds after T0; its time names it even when its message was cut. */
    private static String idOf(String line) {
        long seconds = (Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli() - Events.T0) / 1_000;
        return "e" + seconds;
    }
}
