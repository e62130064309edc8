package dev.braid.cli.observe;

import dev.braid.cli.KafkaOptions;
import dev.braid.connectors.AvroRecords;
import dev.braid.schema.Fix;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code braid observe fixes ERROR}: the debug loop's memory. Past error→success pairs from the
 * fixes topic whose signature matches the given error message or signature, or comes closest,
 * best first, each with what fixed it and how long that took.
 */
@Command(name = "fixes", mixinStandardHelpOptions = true,
        description = "Past fixes of an error: error→success pairs whose signature matches or is most similar, best first.")
final class FixesCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PageOptions paging;

    @Parameters(paramLabel = "ERROR", description = "An error message, an error signature or a task signature.")
    String error;

    @Option(names = "--min-similarity", defaultValue = "0.3", paramLabel = "0..1",
            description = "Leave out fixes less similar than this; 1 keeps exact matches only (default: ${DEFAULT-VALUE}).")
    double minSimilarity;

    @Option(names = "--since", defaultValue = "30d", paramLabel = "WHEN",
            description = "Fixes since: a duration ago, an ISO-8601 instant, or 'all' (default: ${DEFAULT-VALUE}).")
    String since;

    @Override
    public Integer call() {
        if (!(minSimilarity >= 0 && minSimilarity <= 1)) {
            throw new ParameterException(paging.command.commandLine(),
                    "--min-similarity " + minSimilarity + " must be from 0 to 1");
        }
        Page page = paging.page();
        Instant from = Since.parse(since, Instant.now());
        String topic = kafka.topics().fixes();
        RankedResume resume = paging.cursor == null ? null : Cursor.decode(paging.cursor, scope(topic), RankedResume::decode);
        FixSimilarity similarity = new FixSimilarity(error);
        Map<String, Scored> fixes = new HashMap<>();
        Map<Integer, Long> ends;
        try (TopicScan scan = TopicScan.open(kafka.clientProperties(), topic, from, resume == null ? null : resume.ends())) {
            for (ConsumerRecord<byte[], byte[]> record = scan.next(); record != null; record = scan.next()) {
                Fix fix = AvroRecords.decode(record.value(), Fix.class);
                double score = similarity.score(fix);
                if (score >= minSimilarity) {
                    fixes.put(fix.getId(), new Scored(fix, score));
                }
            }
            ends = scan.ends();
        }
        List<Scored> ranked = fixes.values().stream().sorted(Scored.BEST_FIRST).toList();
        int first = resume == null ? 0 : resume.next();
        page.headerLine(ranked.size() + " fixes on " + topic + " match or resemble: " + Page.cut(error, 200)
                + (first == 0 ? "" : " (from #" + (first + 1) + ")"));
        page.headerField("query", TextNode.valueOf(Page.cut(error, 1_000)));
        int shown = 0;
        for (Scored scored : ranked.subList(Math.min(first, ranked.size()), ranked.size())) {
            if (!page.add(scored.text(), scored.json())) {
                break;
            }
            shown++;
        }
        String next = page.stopReason() == null ? null : Cursor.encode(scope(topic), new RankedResume(first + shown, ends).encode());
        PrintWriter out = paging.command.commandLine().getOut();
        out.print(page.render("fixes", next,
                next == null ? null : paging.nextCommand(next, "--since", from == null ? "all" : from.toString())));
        out.flush();
        return 0;
    }

    private static String scope(String topic) {
        return "fixes:" + topic;
    }

    private record Scored(Fix fix, double score) {

        static final Comparator<Scored> BEST_FIRST = Comparator.comparingDouble(Scored::score).reversed()
                .thenComparing(scored -> scored.fix().getSuccessTime(), Comparator.reverseOrder())
                .thenComparing(scored -> scored.fix().getId());

        String text() {
            return String.format("%.2f  %s  fixed in %s after %s attempts  [%s]%n      error: %s%n      fix:   %s",
                    score, fix.getSuccessTime(), Duration.ofMillis(fix.getTimeToFixMs()),
                    fix.getAttempts() == null ? "?" : fix.getAttempts(), fix.getSignature(),
                    Page.cut(fix.getError().lines().findFirst().orElse(""), 200), Page.cut(fix.getFix(), 300));
        }

        ObjectNode json() {
            ObjectNode node = AvroJson.of(fix);
            node.put("similarity", Math.round(score * 100) / 100.0);
            return node;
        }
    }
}
