package dev.braid.cli.observe;

import dev.braid.cli.KafkaOptions;
import dev.braid.cli.UserError;
import dev.braid.connectors.AvroRecords;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.TraceEvent;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code braid observe trace ID}: the newest version of a correlated trace, its first error,
 * causal chain and suspect commits, then its events as a timeline, paged. A trace still open has
 * no record on the traces topic yet; its events so far are shown instead, in event-time order, and
 * the JSON output says which of the two it is with {@code "open"}.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "One correlated trace: first error, causal chain, suspect commits and its timeline.")
final class TraceCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PageOptions paging;

    @Parameters(paramLabel = "TRACE_ID", description = "A trace id, or bundle:<event id> for an error bundle.")
    String traceId;

    @Option(names = "--since", defaultValue = "7d", paramLabel = "WHEN",
            description = "Look at traces stamped since: a duration ago, an instant, or 'all' (default: ${DEFAULT-VALUE}).")
    String since;

    @Override
    public Integer call() {
        Page page = paging.page();
        Instant from = Since.parse(since, Instant.now());
        int firstEvent = paging.cursor == null ? 0 : Cursor.decode(paging.cursor, cursorName(), Integer::parseInt);
        CorrelatedTrace trace = newestVersion(from);
        List<Entry> entries = trace != null ? closedTrace(trace, page, firstEvent) : openTrace(from, page, firstEvent);
        int shown = 0;
        for (Entry entry : entries.subList(Math.min(firstEvent, entries.size()), entries.size())) {
            if (!page.add(entry.text(), entry.json())) {
                break;
            }
            shown++;
        }
        String next = page.stopReason() == null ? null : Cursor.encode(cursorName(), String.valueOf(firstEvent + shown));
        PrintWriter out = paging.command.commandLine().getOut();
        out.print(page.render("events", next, next == null ? null : paging.nextCommand(next)));
        out.flush();
        return 0;
    }

    private record Entry(String text, ObjectNode json) {}

    private List<Entry> closedTrace(CorrelatedTrace trace, Page page, int firstEvent) {
        if (firstEvent == 0) {
            page.headerLine(Render.traceHeader(trace));
            if (trace.getFirstError() != null) {
                page.headerLine(Render.firstError(trace.getFirstError()));
            }
            if (!trace.getCausalChain().isEmpty()) {
                page.headerLine("causal chain:");
                trace.getCausalChain().forEach(link -> page.headerLine(Render.chainLink(link)));
            }
            if (!trace.getSuspectCommits().isEmpty()) {
                page.headerLine("suspect commits:");
                trace.getSuspectCommits().forEach(commit -> page.headerLine(Render.suspect(commit)));
            }
            page.headerLine("timeline:");
        } else {
            page.headerLine("trace " + trace.getTraceId() + ", events from #" + (firstEvent + 1) + ":");
        }
        ObjectNode summary = AvroJson.of(trace);
        summary.remove("events");
        page.headerField("open", BooleanNode.FALSE);
        page.headerField("trace", summary);
        List<Entry> entries = new ArrayList<>();
        for (TraceEvent event : trace.getEvents()) {
            entries.add(new Entry(Render.traceEvent(event, trace.getStart()), AvroJson.of(event)));
        }
        return entries;
    }

    private List<Entry> openTrace(Instant from, Page page, int firstEvent) {
        List<NormalizedEvent> events = new ArrayList<>();
        String key = "trace:" + traceId;
        try (TopicScan scan = TopicScan.openPartitionOf(kafka.clientProperties(), kafka.topics().events(), key, from)) {
            for (ConsumerRecord<byte[], byte[]> record = scan.next(); record != null; record = scan.next()) {
                if (record.key() != null && key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                    events.add(AvroRecords.decode(record.value(), NormalizedEvent.class));
                }
            }
        }
        if (events.isEmpty()) {
            throw new UserError("no trace " + traceId + " on " + kafka.topics().traces() + " or " + kafka.topics().events()
                    + (from == null ? "" : " since " + from + " (widen with --since)"));
        }
        events.sort(Comparator.comparing(NormalizedEvent::getEventTime));
        page.headerField("open", BooleanNode.TRUE);
        page.headerLine("trace " + traceId + " is still open (not on " + kafka.topics().traces() + " yet); its "
                + events.size() + " events so far" + (firstEvent == 0 ? ":" : ", from #" + (firstEvent + 1) + ":"));
        return events.stream().map(event -> new Entry(Render.event(event), AvroJson.of(event))).toList();
    }

    private CorrelatedTrace newestVersion(Instant from) {
        CorrelatedTrace newest = null;
        try (TopicScan scan = TopicScan.openPartitionOf(kafka.clientProperties(), kafka.topics().traces(), traceId, from)) {
            for (ConsumerRecord<byte[], byte[]> record = scan.next(); record != null; record = scan.next()) {
                if (record.key() != null && traceId.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                    CorrelatedTrace trace = AvroRecords.decode(record.value(), CorrelatedTrace.class);
                    if (newest == null || trace.getVersion() > newest.getVersion()) {
                        newest = trace;
                    }
                }
            }
        }
        return newest;
    }

    private String cursorName() {
        return "trace:" + traceId;
    }
}
