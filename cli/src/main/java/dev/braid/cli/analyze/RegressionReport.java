package dev.braid.cli.analyze;

import dev.braid.cli.baseline.Baseline;
import dev.braid.cli.observe.Page;
import dev.braid.detect.baseline.BaselineSnapshot;
import dev.braid.detect.baseline.Regression;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An analysis as text for people and as JSON for agents and scripts: the first {@code --limit}
 * regressions (tests, endpoints, pages, then new errors), text also within 25 KB, and how many
 * there are in all.
 */
final class RegressionReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Room kept for the line that says how many more there are. */
    private static final int FOOTER_BYTES = 200;

    private RegressionReport() {}

    static String text(Comparison comparison, int limit) {
        StringBuilder out = new StringBuilder();
        Baseline baseline = comparison.baseline();
        out.append("baseline ").append(baseline.name()).append(" (").append(baseline.time())
                .append(baseline.commit() == null ? "" : ", commit " + baseline.commit()).append(")")
                .append(" against ").append(comparison.laterName()).append('\n');
        out.append("compared ").append(counts(comparison.after())).append('\n');
        if (comparison.regressions().isEmpty()) {
            out.append("no regressions\n");
            return out.toString();
        }
        out.append(comparison.regressions().size()).append(" regression").append(comparison.regressions().size() == 1 ? "" : "s")
                .append(": ").append(byKind(comparison)).append("\n");
        int shown = 0;
        for (Regression regression : comparison.regressions()) {
            String block = block(regression);
            if (shown == limit || out.length() + block.length() > Page.MAX_BYTES - FOOTER_BYTES) {
                break;
            }
            out.append(block);
            shown++;
        }
        if (shown < comparison.regressions().size()) {
            out.append("\n-- ").append(shown).append(" of ").append(comparison.regressions().size())
                    .append(" regressions shown; --limit N shows more, up to 25 KB of text\n");
        }
        if (comparison.published() > 0) {
            out.append("\npublished ").append(comparison.published()).append(" alert").append(comparison.published() == 1 ? "" : "s")
                    .append(" on the regressions alert topic\n");
        }
        return out.toString();
    }

    private static String block(Regression regression) {
        StringBuilder out = new StringBuilder();
        out.append('\n').append(label(regression.kind())).append("  ").append(regression.summary()).append('\n');
        for (Map.Entry<String, String> fact : regression.evidence().entrySet()) {
            out.append("  ").append(fact.getKey()).append(": ").append(fact.getValue()).append('\n');
        }
        out.append("  events: ").append(String.join(", ", regression.eventIds())).append('\n');
        if (!regression.traceIds().isEmpty()) {
            out.append("  traces: ").append(String.join(", ", regression.traceIds())).append('\n');
        }
        return out.toString();
    }

    static String json(Comparison comparison, int limit) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        Baseline baseline = comparison.baseline();
        root.putObject("baseline")
                .put("name", baseline.name())
                .put("savepoint", baseline.savepoint())
                .put("time", baseline.time().toString())
                .put("commit", baseline.commit());
        root.putObject("against").put("name", comparison.laterName()).put("savepoint", comparison.laterSavepoint());
        BaselineSnapshot after = comparison.after();
        root.putObject("compared")
                .put("tests", after.tests().size())
                .put("endpoints", after.endpoints().size())
                .put("pages", after.pages().size())
                .put("errorSignatures", after.errors().size());
        root.put("total", comparison.regressions().size());
        ArrayNode regressions = root.putArray("regressions");
        for (Regression regression : comparison.regressions().subList(0, Math.min(limit, comparison.regressions().size()))) {
            ObjectNode node = regressions.addObject()
                    .put("kind", regression.kind().name())
                    .put("subject", regression.subject())
                    .put("summary", regression.summary())
                    .put("firstTime", regression.firstTime().toString())
                    .put("lastTime", regression.lastTime().toString());
            ObjectNode evidence = node.putObject("evidence");
            regression.evidence().forEach(evidence::put);
            regression.eventIds().forEach(node.putArray("eventIds")::add);
            regression.traceIds().forEach(node.putArray("traceIds")::add);
        }
        root.put("published", comparison.published());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    private static String counts(BaselineSnapshot state) {
        return state.tests().size() + " tests, " + state.endpoints().size() + " endpoints, " + state.pages().size()
                + " pages, " + state.errors().size() + " error signatures";
    }

    private static String byKind(Comparison comparison) {
        Map<String, Integer> counts = new TreeMap<>();
        comparison.regressions().forEach(regression -> counts.merge(label(regression.kind()), 1, Integer::sum));
        StringBuilder text = new StringBuilder();
        counts.forEach((kind, count) -> text.append(text.length() == 0 ? "" : ", ").append(kind).append(' ').append(count));
        return text.toString();
    }

    private static String label(Regression.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
