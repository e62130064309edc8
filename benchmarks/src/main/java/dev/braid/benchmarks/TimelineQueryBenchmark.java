package dev.braid.benchmarks;

import dev.braid.cli.Braid;
import dev.braid.connectors.AvroRecords;
import dev.braid.connectors.KafkaSettings;
import dev.braid.connectors.Topics;
import dev.braid.embedded.EmbeddedKafka;
import dev.braid.normalize.EventKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.Events;
import dev.braid.testing.KafkaTestClient;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints how long {@code braid observe timeline} takes over a topic of 10,000 committed events, in
 * this JVM: the call's admin check, consumer set-up, scan, filter and rendering, without the
 * ~1 s the {@code ./braid} script spends starting a JVM.
 *
 * <pre>mvn -B -q install -DskipTests && mvn -B -q -pl benchmarks exec:exec -Dbenchmark=dev.braid.benchmarks.TimelineQueryBenchmark</pre>
 */
public final class TimelineQueryBenchmark {

    private static final int EVENTS = 10_000;
    private static final int WARMUP = 3;
    private static final int RUNS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHOWN = Pattern.compile("\"shown\":(\\d+)|-- (\\d+) events shown");

    private TimelineQueryBenchmark() {}

    public static void main(String[] args) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Configuration config = new Configuration();
            config.set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            Topics topics = Topics.from(config);
            kafka.createTopics(topics.all());
            new KafkaTestClient(kafka.bootstrapServers()).send(events(topics));
            String servers = kafka.bootstrapServers();
            System.out.printf("%,d events on %s (6 partitions), each query run %d times after %d warm-ups%n%n",
                    EVENTS, topics.events(), RUNS, WARMUP);
            System.out.println("| query | shown | bytes printed | p50 ms | p95 ms | max ms |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            measure("first page, no filter", "--bootstrap-servers", servers, "--since", "all", "--limit", "50");
            measure("--level error (200 match; text stops at 25 KB)", "--bootstrap-servers", servers, "--since", "all",
                    "--level", "error", "--limit", "1000");
            measure("--trace (100 match; scans all 10,000)", "--bootstrap-servers", servers, "--since", "all",
                    "--trace", Events.TRACE, "--limit", "1000");
            measure("--level error --json (stops at 25 KB)", "--bootstrap-servers", servers, "--since", "all", "--level", "error",
                    "--limit", "1000", "--json");
            measure("page 101 of 200 (--cursor; scans all 10,000)", "--bootstrap-servers", servers, "--since", "all",
                    "--limit", "50", "--cursor", cursorAfter(100, servers));
        }
    }

    /** Every 50th event an error, every 100th on one trace, a minute apart per thousand. */
    private static List<ProducerRecord<byte[], byte[]>> events(Topics topics) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            NormalizedEvent.Builder event = Events.event("e" + i, i * 6L, i % 3 == 0 ? Source.BROWSER : Source.BACKEND, "log",
                    i % 50 == 0 ? Level.ERROR : Level.INFO, "GET /api/orders/" + i + " completed in " + (i % 97) + " ms");
            if (i % 100 == 0) {
                event.setTraceId(Events.TRACE);
            }
            NormalizedEvent built = event.build();
            records.add(new ProducerRecord<>(topics.events(), null, built.getEventTime().toEpochMilli(),
                    EventKeys.bestKey(built).getBytes(StandardCharsets.UTF_8), AvroRecords.encode(built)));
        }
        // The normalize job writes events within its out-of-orderness, not in time order.
        Collections.shuffle(records, new Random(7));
        return records;
    }

    /** The cursor a reader holds after paging through {@code pages} pages of 50. */
    private static String cursorAfter(int pages, String servers) throws Exception {
        String cursor = null;
        for (int page = 0; page < pages; page++) {
            List<String> args = new ArrayList<>(List.of("observe", "timeline", "--bootstrap-servers", servers, "--since", "all",
                    "--limit", "50", "--json"));
            if (cursor != null) {
                args.addAll(List.of("--cursor", cursor));
            }
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            CommandLine cli = Braid.commandLine();
            cli.setOut(new PrintWriter(printed, true, StandardCharsets.UTF_8));
            cli.execute(args.toArray(String[]::new));
            cursor = JSON.readTree(printed.toByteArray()).get("next_cursor").asText();
        }
        return cursor;
    }

    private static void measure(String name, String... flags) {
        String[] args = new String[flags.length + 2];
        args[0] = "observe";
        args[1] = "timeline";
        System.arraycopy(flags, 0, args, 2, flags.length);
        long[] millis = new long[RUNS];
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        for (int run = -WARMUP; run < RUNS; run++) {
            printed.reset();
            CommandLine cli = Braid.commandLine();
            cli.setOut(new PrintWriter(printed, true, StandardCharsets.UTF_8));
            long start = System.nanoTime();
            int exit = cli.execute(args);
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (exit != 0) {
                throw new IllegalStateException(name + ": observe exited with " + exit);
            }
            if (run >= 0) {
                millis[run] = elapsed;
            }
        }
        Arrays.sort(millis);
        System.out.printf("| %s | %s | %,d | %d | %d | %d |%n", name, shown(printed.toString(StandardCharsets.UTF_8)),
                printed.size(), millis[RUNS / 2], millis[(int) Math.ceil(RUNS * 0.95) - 1], millis[RUNS - 1]);
    }

    /** The count the page reports in its footer (text) or its "shown" field (JSON). */
    private static String shown(String page) {
        Matcher shown = SHOWN.matcher(page);
        if (!shown.find()) {
            throw new IllegalStateException("no count of records shown in: " + page);
        }
        return shown.group(1) != null ? shown.group(1) : shown.group(2);
    }
}
