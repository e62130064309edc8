package dev.braid.cli.mcp;

import dev.braid.cli.mcp.BraidTool.Flags;
import dev.braid.cli.mcp.BraidTool.Pages;
import dev.braid.schema.AlertFamily;
import dev.braid.schema.Level;
import dev.braid.schema.Source;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The tools {@code braid mcp} serves, each answered by the {@code braid} command an engineer would run. */
final class BraidTools {

    static final String PAGE_SIZE = "page_size";
    static final String CURSOR = "cursor";
    static final String SINCE = "since";

    private BraidTools() {}

    static List<BraidTool> all() {
        return List.of(timeline(), trace(), alerts(), errors(), fixes(), baselineSave(), baselineList(), analyzeRegression(), status());
    }

    private static BraidTool timeline() {
        return new BraidTool("timeline", "Event timeline",
                "Normalized events from every source (browser, backend, test, git, ci, agent) in event-time order, filtered."
                        + " Start here to see what happened around a time, a trace or a service.",
                ToolSchema.object()
                        .someOf("source", "Only these sources.", names(Source.values()))
                        .oneOf("level", "Only this level and above.", names(Level.values()))
                        .string(SINCE, "Start at this event time: a duration ago (30s, 15m, 2h, 7d), an ISO-8601 instant, or 'all'"
                                + " (default 1h).")
                        .string("trace_id", "Only the events of this trace.")
                        .string("service", "Only the events of this service.")
                        .paged(),
                List.of("observe", "timeline"), Pages.COMMAND, null,
                observe(flags -> flags.option("--source", "source").option("--level", "level")
                        .option("--trace", "trace_id").option("--service", "service")));
    }

    private static BraidTool trace() {
        return new BraidTool("trace", "Correlated trace",
                "One correlated trace across browser, backend, tests, git and CI: its first error, causal chain, suspect commits"
                        + " and compact timeline. Takes a trace id, or bundle:<event id> for an error bundle (see the errors tool).",
                ToolSchema.object()
                        .requiredString("trace_id", "A trace id (32 hex digits) or bundle:<event id>.")
                        .string(SINCE, "Look at traces since: a duration ago, an instant, or 'all' (default 7d).")
                        .paged(),
                List.of("observe", "trace"), Pages.COMMAND, null,
                observe(flags -> flags.positional("trace_id")));
    }

    private static BraidTool alerts() {
        return new BraidTool("alerts", "Alerts",
                "Alerts in their latest revision, oldest first: regressions, CI (spot churn, failing builds), agent loops and"
                        + " circuit breakers, flaky tests. Each says what, where, the evidence and a suggested action.",
                ToolSchema.object()
                        .bool("open", "Only alerts not resolved yet.")
                        .someOf("family", "Only these families.", names(AlertFamily.values()))
                        .string("rule", "Only alerts of this rule, e.g. spot-churn or agent-loop.")
                        .string(SINCE, "Alerts updated since: a duration ago, an instant, or 'all' (default 7d).")
                        .paged(),
                List.of("observe", "alerts"), Pages.COMMAND, null,
                observe(flags -> flags.flag("--open", "open").option("--family", "family").option("--rule", "rule")));
    }

    private static BraidTool errors() {
        return new BraidTool("errors", "Error signatures",
                "The distinct error signatures (message with numbers, ids and paths masked), most recently seen first, with"
                        + " counts, services and the traces or error bundles to open with the trace tool.",
                ToolSchema.object()
                        .string(SINCE, "Errors since: a duration ago, an instant, or 'all' (default 24h).")
                        .string("service", "Only the errors of this service.")
                        .paged(),
                List.of("observe", "errors"), Pages.COMMAND, null,
                observe(flags -> flags.option("--service", "service")));
    }

    private static BraidTool fixes() {
        return new BraidTool("fixes", "Past fixes",
                "The debug loop's memory: past error→success pairs whose error or task signature matches the given error or"
                        + " is most similar, best first, with what fixed it, how many attempts and how long it took.",
                ToolSchema.object()
                        .requiredString("error", "An error message, an error signature or a task signature.")
                        .number("min_similarity", "Leave out fixes less similar than this, 0 to 1 (default 0.3).", 0, 1)
                        .string(SINCE, "Fixes since: a duration ago, an instant, or 'all' (default 30d).")
                        .paged(),
                List.of("observe", "fixes"), Pages.COMMAND, null,
                observe(flags -> flags.positional("error").option("--min-similarity", "min_similarity")));
    }

    private static BraidTool baselineSave() {
        return new BraidTool("baseline_save", "Save a baseline",
                "Take a savepoint of the running detect job (it keeps running) and keep it under a name, to compare later"
                        + " states with (analyze_regression). Save one while everything is green.",
                ToolSchema.object()
                        .requiredString("name", "The baseline's name: letters, digits, '.', '_' and '-'.")
                        .string("note", "What state the jobs are in, e.g. 'all tests green'.")
                        .string("job", "The Flink job id or name (default: the one job running).")
                        .bool("replace", "Replace a baseline of the same name."),
                List.of("baseline", "save"), Pages.DOCUMENT, null,
                given -> new Flags(given).positional("name").option("--note", "note").option("--job", "job")
                        .flag("--replace", "replace").always("--json"));
    }

    private static BraidTool baselineList() {
        return new BraidTool("baseline_list", "List baselines",
                "The saved baselines, oldest first: name, time, job, Braid version, git commit, note and savepoint.",
                ToolSchema.object().cursor(),
                List.of("baseline", "list"), Pages.DOCUMENT, "baselines",
                given -> new Flags(given).always("--json"));
    }

    private static BraidTool analyzeRegression() {
        return new BraidTool("analyze_regression", "What regressed since a baseline",
                "Compare a baseline with a later baseline, or with the running job (live): tests red now that were green,"
                        + " endpoints slower (p95) or failing more, pages with worse Web Vitals, new error signatures.",
                ToolSchema.object()
                        .requiredString("baseline", "The known-good baseline.")
                        .string("against", "A later baseline to compare with.")
                        .bool("live", "Compare with the running job instead: takes a savepoint of it now (not kept).")
                        .cursor(),
                List.of("analyze", "regression"), Pages.DOCUMENT, "regressions",
                given -> new Flags(given).option("--baseline", "baseline").option("--against", "against").flag("--live", "live")
                        .always("--json", "--limit", String.valueOf(Integer.MAX_VALUE)));
    }

    private static BraidTool status() {
        return new BraidTool("status", "Deployment status",
                "Which jobs run on Flink with their newest checkpoint, how far each consumer group lags, and how many records"
                        + " each of Braid's topics holds.",
                ToolSchema.object(),
                List.of("status"), Pages.DOCUMENT, null,
                given -> new Flags(given).always("--json"));
    }

    /** An observe command's flags: its own, then --since and the paging the server sets. */
    private static Function<Map<String, Object>, Flags> observe(Function<Flags, Flags> own) {
        return given -> own.apply(new Flags(given)).option("--since", SINCE).option("--limit", PAGE_SIZE)
                .always("--json");
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(value -> value.name().toLowerCase()).toList();
    }
}
