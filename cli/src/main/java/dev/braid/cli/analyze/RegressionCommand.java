package dev.braid.cli.analyze;

import dev.braid.cli.KafkaOptions;
import dev.braid.cli.UserError;
import dev.braid.cli.baseline.Baseline;
import dev.braid.cli.baseline.Catalog;
import dev.braid.cli.baseline.CatalogOption;
import dev.braid.cli.baseline.FlinkRest;
import dev.braid.cli.baseline.SavepointFiles;
import dev.braid.cli.baseline.SavepointTrigger;
import dev.braid.detect.baseline.BaselineComparison;
import dev.braid.detect.baseline.BaselineReader;
import dev.braid.detect.baseline.BaselineRegression;
import dev.braid.detect.baseline.BaselineSnapshot;
import dev.braid.detect.baseline.Regression;
import dev.braid.detect.rules.RuleFiles;
import dev.braid.detect.rules.RuleSpec;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code braid analyze regression}: what got worse since a baseline. Reads the baseline's
 * savepoint and a later one (another baseline, or a savepoint taken of the running job now) with
 * the State Processor API and applies the {@code baseline-regression} rule's thresholds.
 */
@Command(name = "regression", mixinStandardHelpOptions = true,
        description = "Compare a baseline with a later baseline or with the running job: tests red now that were green,"
                + " endpoints slower (p95) or failing more, pages with worse Web Vitals (p75), and new error signatures.")
public final class RegressionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--baseline", required = true, paramLabel = "NAME", description = "The known-good baseline.")
    String baselineName;

    @ArgGroup(multiplicity = "1")
    Against against;

    static final class Against {
        @Option(names = "--against", paramLabel = "NAME", description = "Compare with this later baseline.")
        String name;

        @Option(names = "--live", description = "Compare with the running job: take a savepoint of it now (not kept).")
        boolean live;
    }

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N",
            description = "Show at most N regressions (default: ${DEFAULT-VALUE}); text also stops at 25 KB. --publish publishes all.")
    int limit;

    @Option(names = "--publish", description = "Also publish each regression as an alert on the regressions alert topic.")
    boolean publish;

    @Option(names = "--rules-dir", paramLabel = "DIR",
            description = "Rule files to take the baseline-regression thresholds from (default: the bundled cep-rules).")
    Path rulesDir;

    @Mixin
    CatalogOption catalogOption;

    /** With --live: the running job to compare with. */
    @Mixin
    SavepointTrigger runningJob;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit " + limit + " must be at least 1");
        }
        RuleSpec rule = rule();
        Catalog catalog = catalogOption.load();
        Baseline baseline = catalog.get(Baseline.requireValidName(baselineName)).requireSavepoint();
        Comparison comparison;
        if (against.live) {
            comparison = againstLiveJob(baseline, rule);
        } else {
            Baseline later = catalog.get(Baseline.requireValidName(against.name)).requireSavepoint();
            comparison = compare(baseline, "baseline " + later.name(), later.savepoint(), rule);
        }
        if (publish) {
            comparison = comparison.published(RegressionAlerts.publish(kafka, rule, comparison));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? RegressionReport.json(comparison, limit) : RegressionReport.text(comparison, limit));
        out.flush();
        return 0;
    }

    /** A savepoint taken for this comparison only, in a temporary folder, and removed afterwards. */
    private Comparison againstLiveJob(Baseline baseline, RuleSpec rule) throws Exception {
        // A baseline without baseline state fails before a savepoint of the running job is taken for nothing.
        readable(() -> BaselineReader.check(baseline.savepoint()));
        Path folder = Files.createTempDirectory("braid-live-");
        try {
            FlinkRest.Savepoint now = runningJob.take(folder.toUri());
            return compare(baseline, "the running job " + now.job(), now.location(), rule);
        } finally {
            SavepointFiles.deleteTree(folder);
        }
    }

    /** Reads both savepoints in one batch job and compares them. */
    private static Comparison compare(Baseline baseline, String laterName, String laterSavepoint, RuleSpec rule)
            throws Exception {
        List<BaselineSnapshot> states = readable(() -> BaselineReader.read(baseline.savepoint(), laterSavepoint));
        List<Regression> regressions = new BaselineComparison(rule).regressions(states.get(0), states.get(1));
        return new Comparison(baseline, laterName, laterSavepoint, states.get(1), regressions, 0);
    }

    /** A savepoint that holds no baseline state is the user's to fix: one line. */
    private static <T> T readable(Callable<T> read) throws Exception {
        try {
            return read.call();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private RuleSpec rule() {
        List<RuleSpec> rules;
        try {
            rules = rulesDir == null ? RuleFiles.bundled() : RuleFiles.load(rulesDir);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        return rules.stream().filter(spec -> spec.rule().equals(BaselineRegression.RULE)).findFirst()
                .orElseThrow(() -> new UserError("the " + BaselineRegression.RULE + " rule is disabled in "
                        + (rulesDir == null ? "the bundled rules" : rulesDir) + "; enable it to analyse regressions"));
    }
}
