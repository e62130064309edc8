package dev.braid.cli.observe;

import dev.braid.cli.KafkaOptions;
import dev.braid.connectors.AvroRecords;
import dev.braid.schema.Alert;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.AlertStatus;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code braid observe alerts}: the current state of each alert (its highest revision), oldest
 * first. Pages continue after the last alert shown by (first event time, id), which never change
 * for an alert, so each alert is shown once across pages.
 */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "Alerts in their latest revision, oldest first, per family.")
final class AlertsCommand implements Callable<Integer> {

    private static final Comparator<Alert> ORDER =
            Comparator.comparing(Alert::getFirstEventTime).thenComparing(Alert::getId);

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PageOptions paging;

    @Option(names = "--family", split = ",", paramLabel = "FAMILY",
            description = "Only these families: ${COMPLETION-CANDIDATES} (default: all).")
    Set<AlertFamily> families = EnumSet.noneOf(AlertFamily.class);

    @Option(names = "--open", description = "Only alerts not resolved yet.")
    boolean openOnly;

    @Option(names = "--rule", paramLabel = "RULE", description = "Only alerts of this rule, e.g. spot-churn.")
    String rule;

    @Option(names = "--since", defaultValue = "7d", paramLabel = "WHEN",
            description = "Alerts updated since: a duration ago, an instant, or 'all' (default: ${DEFAULT-VALUE}).")
    String since;

    @Override
    public Integer call() {
        Page page = paging.page();
        Instant from = Since.parse(since, Instant.now());
        Alert after = paging.cursor == null ? null : decodeCursor(paging.cursor);
        List<Alert> alerts = latestRevisions(from).stream()
                .filter(alert -> (!openOnly || alert.getStatus() != AlertStatus.RESOLVED)
                        && (rule == null || rule.equals(alert.getRule()))
                        && (after == null || ORDER.compare(alert, after) > 0))
                .sorted(ORDER)
                .toList();
        Alert last = null;
        for (Alert alert : alerts) {
            if (!page.add(Render.alert(alert), AvroJson.of(alert))) {
                break;
            }
            last = alert;
        }
        String next = page.stopReason() == null ? null : encodeCursor(last);
        PrintWriter out = paging.command.commandLine().getOut();
        out.print(page.render("alerts", next,
                next == null ? null : paging.nextCommand(next, "--since", from == null ? "all" : from.toString())));
        out.flush();
        return 0;
    }

    private List<Alert> latestRevisions(Instant from) {
        Map<String, Alert> latest = new HashMap<>();
        for (AlertFamily family : families.isEmpty() ? EnumSet.allOf(AlertFamily.class) : families) {
            try (TopicScan scan = TopicScan.open(kafka.clientProperties(), kafka.topics().alerts(family), from)) {
                for (ConsumerRecord<byte[], byte[]> record = scan.next(); record != null; record = scan.next()) {
                    Alert alert = AvroRecords.decode(record.value(), Alert.class);
                    latest.merge(alert.getId(), alert, (a, b) -> a.getRevision() >= b.getRevision() ? a : b);
                }
            }
        }
        return new ArrayList<>(latest.values());
    }

    private static String encodeCursor(Alert last) {
        return Cursor.encode("alerts", last.getFirstEventTime() + "|" + last.getId());
    }

    /** An alert standing for the position of the cursor: only its order fields are set. */
    private static Alert decodeCursor(String cursor) {
        return Cursor.decode(cursor, "alerts", position -> {
            String[] parts = position.split("\\|", 2);
            Alert after = new Alert();
            after.setFirstEventTime(Instant.parse(parts[0]));
            after.setId(parts[1]);
            return after;
        });
    }
}
