package dev.braid.cli.observe;

import dev.braid.cli.KafkaOptions;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.testing.AvroRecords;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code braid observe timeline}: normalized events in event-time order, filtered and paged. */
@Command(name = "timeline", mixinStandardHelpOptions = true,
        description = "Normalized events in time order, filtered, a page at a time.")
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
        Cursor cursor = paging.cursor == null ? null : Cursor.decode(paging.cursor, topic);
        Cursor next = null;
        try (TopicScan scan = TopicScan.open(kafka.clientProperties(), topic, cursor, cursor == null ? from : null)) {
            for (ConsumerRecord<byte[], byte[]> record = scan.next(); record != null; record = scan.next()) {
                NormalizedEvent event = AvroRecords.decode(record.value(), NormalizedEvent.class);
                if (!matches(event, from)) {
                    continue;
                }
                if (!page.add(Render.event(event), AvroJson.of(event))) {
                    next = scan.positionBefore(record);
                    break;
                }
            }
        }
        PrintWriter out = paging.command.commandLine().getOut();
        out.print(page.render("events", next == null ? null : next.encode(),
                next == null ? null : paging.nextCommand(next.encode(), "--since", from == null ? "all" : from.toString())));
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
