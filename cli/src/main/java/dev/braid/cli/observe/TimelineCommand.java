package dev.braid.cli.observe;

import dev.braid.cli.KafkaOptions;
import dev.braid.cli.observe.TimelineOrder.Entry;
import dev.braid.cli.observe.TimelineOrder.Position;
import dev.braid.cli.observe.TimelineOrder.Resume;
import dev.braid.connectors.AvroRecords;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code braid observe timeline}: normalized events in event-time order across every source and
 * partition, filtered and paged. Each page reads the records the topic held when the first page
 * was asked for, so paging shows every event once while the jobs keep writing.
 */
@Command(name = "timeline", mixinStandardHelpOptions = true,
        description = "Normalized events in event-time order across sources, filtered, a page at a time.")
final class TimelineCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PageOptions paging;

    @Option(names = "--source", split = ",", paramLabel = "SOURCE",
            description = "Only these sources: ${COMPLETION-CANDIDATES} (comma-separated).")
    Set<Source> sources = EnumSet.noneOf(Source.class);

    @Option(names = "--level", paramLabel = "LEVEL", description = "Only this level and above: ${COMPLETION-CANDIDATES}.")
    Level level;

    @Option(names = "--since", defaultValue = "1h", paramLabel = "WHEN",
            description = "Start at this event time: a duration ago (30s, 15m, 2h, 7d), an ISO-8601 instant, or 'all'"
                    + " (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--trace", paramLabel = "TRACE_ID", description = "Only the events of this trace.")
    String traceId;

    @Option(names = "--service", paramLabel = "SERVICE", description = "Only the events of this service.")
    String service;

    @Override
    public Integer call() {
        Page page = paging.page();
        Instant from = Since.parse(since, Instant.now());
        String topic = kafka.topics().events();
        Resume resume = paging.cursor == null ? null : Cursor.decode(paging.cursor, topic, Resume::decode);
        // One more than a page can show tells whether another page follows.
        TimelineOrder<NormalizedEvent> order = new TimelineOrder<>(paging.limit + 1, resume == null ? null : resume.after());
        Map<Integer, Long> ends;
        long older;
        try (TopicScan scan = TopicScan.open(kafka.clientProperties(), topic, from, resume == null ? null : resume.ends())) {
            for (ConsumerRecord<byte[], byte[]> record = scan.next(); record != null; record = scan.next()) {
                NormalizedEvent event = AvroRecords.decode(record.value(), NormalizedEvent.class);
                if (matches(event, from)) {
                    order.offer(new Position(event.getEventTime(), record.partition(), record.offset()), event);
                }
            }
            ends = scan.ends();
            older = scan.olderRecords();
        }
        Position last = null;
        for (Entry<NormalizedEvent> entry : order.inOrder()) {
            if (!page.add(Render.event(entry.value()), AvroJson.of(entry.value()))) {
                break;
            }
            last = entry.position();
        }
        if (last == null && resume == null && from != null && older > 0) {
            page.footnote(older + " older records are on " + topic + ", before " + from
                    + ": widen the window with --since (e.g. --since 7d or --since all)");
        }
        String next = page.stopReason() == null ? null : Cursor.encode(topic, new Resume(last, ends).encode());
        PrintWriter out = paging.command.commandLine().getOut();
        out.print(page.render("events", next,
                next == null ? null : paging.nextCommand(next, "--since", from == null ? "all" : from.toString())));
        out.flush();
        return 0;
    }

    private boolean matches(NormalizedEvent event, Instant from) {
        return (sources.isEmpty() || sources.contains(event.getSource()))
                && (level == null || event.getLevel().ordinal() >= level.ordinal())
                && (from == null || !event.getEventTime().isBefore(from))
                && (traceId == null || traceId.equals(event.getTraceId()))
                && (service == null || service.equals(event.getKeys().getService()));
    }
}
