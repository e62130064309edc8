package dev.braid.cli.observe;

import dev.braid.cli.KafkaOptions;
import dev.braid.connectors.AvroRecords;
import dev.braid.detect.baseline.ErrorSignatures;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code braid observe errors}: the distinct error signatures (see {@link ErrorSignatures}) of
 * the errors on the events topic, the most recently seen first, each with its count and the newest
 * traces or error bundles to open with {@code observe trace}.
 */
@Command(name = "errors", mixinStandardHelpOptions = true,
        description = "Distinct error signatures, newest first, with counts and the traces or error bundles they occur in.")
final class ErrorsCommand implements Callable<Integer> {

    private static final Comparator<Signature> NEWEST_FIRST =
            Comparator.comparing(Signature::lastSeen).reversed().thenComparing(Signature::signature);
    /** Enough to open a few occurrences; the timeline filtered by trace has the rest. */
    private static final int TRACES_PER_SIGNATURE = 3;
    private static final int SERVICES_PER_SIGNATURE = 5;
    private static final String BUNDLE_PREFIX = "bundle:";

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PageOptions paging;

    @Option(names = "--since", defaultValue = "24h", paramLabel = "WHEN",
            description = "Errors since: a duration ago, an ISO-8601 instant, or 'all' (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--service", paramLabel = "SERVICE", description = "Only the errors of this service.")
    String service;

    @Override
    public Integer call() {
        Page page = paging.page();
        Instant from = Since.parse(since, Instant.now());
        String topic = kafka.topics().events();
        RankedResume resume = paging.cursor == null ? null : Cursor.decode(paging.cursor, scope(topic), RankedResume::decode);
        Map<String, Signature> signatures = new HashMap<>();
        Map<Integer, Long> ends;
        try (TopicScan scan = TopicScan.open(kafka.clientProperties(), topic, from, resume == null ? null : resume.ends())) {
            for (ConsumerRecord<byte[], byte[]> record = scan.next(); record != null; record = scan.next()) {
                NormalizedEvent event = AvroRecords.decode(record.value(), NormalizedEvent.class);
                if (isError(event, from)) {
                    signatures.computeIfAbsent(ErrorSignatures.of(event.getMessage()), Signature::new).add(event);
                }
            }
            ends = scan.ends();
        }
        Set<String> bundles = bundleIds(from);
        List<Signature> ranked = signatures.values().stream().sorted(NEWEST_FIRST).toList();
        int first = resume == null ? 0 : resume.next();
        page.headerLine(ranked.size() + " distinct error signatures on " + topic + (from == null ? "" : " since " + from)
                + (first == 0 ? ":" : ", from #" + (first + 1) + ":"));
        page.headerField("distinct", IntNode.valueOf(ranked.size()));
        int shown = 0;
        for (Signature signature : ranked.subList(Math.min(first, ranked.size()), ranked.size())) {
            if (!page.add(signature.text(bundles), signature.json(bundles))) {
                break;
            }
            shown++;
        }
        String next = page.stopReason() == null ? null : Cursor.encode(scope(topic), new RankedResume(first + shown, ends).encode());
        PrintWriter out = paging.command.commandLine().getOut();
        out.print(page.render("signatures", next,
                next == null ? null : paging.nextCommand(next, "--since", from == null ? "all" : from.toString())));
        out.flush();
        return 0;
    }

    private boolean isError(NormalizedEvent event, Instant from) {
        return event.getLevel().ordinal() >= Level.ERROR.ordinal()
                && (from == null || !event.getEventTime().isBefore(from))
                && (service == null || service.equals(event.getKeys().getService()));
    }

    /** The error bundles on the traces topic, by id: an error without a trace id is found in the bundle it anchors. */
    private Set<String> bundleIds(Instant from) {
        Set<String> bundles = new HashSet<>();
        try (TopicScan scan = TopicScan.open(kafka.clientProperties(), kafka.topics().traces(), from)) {
            for (ConsumerRecord<byte[], byte[]> record = scan.next(); record != null; record = scan.next()) {
                String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                if (key.startsWith(BUNDLE_PREFIX)) {
                    bundles.add(key);
                }
            }
        }
        return bundles;
    }

    private static String scope(String topic) {
        return "errors:" + topic;
    }

    /** The occurrences of one signature seen so far. */
    private static final class Signature {
        private final String signature;
        private final List<NormalizedEvent> newest = new ArrayList<>();
        private final Set<String> sources = new TreeSet<>();
        private final Set<String> services = new TreeSet<>();
        private int count;
        private Instant firstSeen;
        private Instant lastSeen;
        private Level level = Level.ERROR;

        Signature(String signature) {
            this.signature = signature;
        }

        void add(NormalizedEvent event) {
            count++;
            Instant time = event.getEventTime();
            firstSeen = firstSeen == null || time.isBefore(firstSeen) ? time : firstSeen;
            lastSeen = lastSeen == null || time.isAfter(lastSeen) ? time : lastSeen;
            level = event.getLevel().ordinal() > level.ordinal() ? event.getLevel() : level;
            sources.add(event.getSource().name().toLowerCase());
            if (event.getKeys().getService() != null && services.size() < SERVICES_PER_SIGNATURE) {
                services.add(event.getKeys().getService());
            }
            newest.add(event);
            newest.sort(Comparator.comparing(NormalizedEvent::getEventTime).reversed());
            if (newest.size() > TRACES_PER_SIGNATURE) {
                newest.remove(TRACES_PER_SIGNATURE);
            }
        }

        String signature() {
            return signature;
        }

        Instant lastSeen() {
            return lastSeen;
        }

        /** Where to read each of the newest occurrences: its trace, or the error bundle it anchors. */
        private Set<String> traces(Set<String> bundles) {
            Set<String> traces = new LinkedHashSet<>();
            for (NormalizedEvent event : newest) {
                String bundle = BUNDLE_PREFIX + event.getId();
                if (event.getTraceId() != null) {
                    traces.add(event.getTraceId());
                } else if (bundles.contains(bundle)) {
                    traces.add(bundle);
                }
            }
            return traces;
        }

        String text(Set<String> bundles) {
            Set<String> traces = traces(bundles);
            return String.format("%5dx %-5s last %s  %s%s%n      e.g. %s%s", count, level, lastSeen, signature,
                    services.isEmpty() ? "" : "  [service " + String.join(",", services) + "]",
                    Page.cut(newest.get(0).getMessage().lines().findFirst().orElse(""), 200),
                    traces.isEmpty() ? "" : "\n      traces: " + String.join(" ", traces));
        }

        ObjectNode json(Set<String> bundles) {
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            ObjectNode node = nodes.objectNode()
                    .put("signature", signature)
                    .put("count", count)
                    .put("level", level.name())
                    .put("firstSeen", firstSeen.toString())
                    .put("lastSeen", lastSeen.toString())
                    .put("message", Page.cut(newest.get(0).getMessage(), 1_000));
            sources.forEach(node.putArray("sources")::add);
            services.forEach(node.putArray("services")::add);
            traces(bundles).forEach(node.putArray("traces")::add);
            return node;
        }
    }
}
