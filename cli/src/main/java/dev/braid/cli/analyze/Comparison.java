package dev.braid.cli.analyze;

import dev.braid.cli.baseline.Baseline;
import dev.braid.detect.baseline.BaselineSnapshot;
import dev.braid.detect.baseline.Regression;

import java.util.List;

/**
 * One analysis: the baseline, what it was compared with, both states and what regressed.
 *
 * @param laterName "baseline NAME" or "the running job NAME (ID)"
 * @param published how many regressions were published as alerts
 */
record Comparison(Baseline baseline, String laterName, String laterSavepoint, BaselineSnapshot before,
                  BaselineSnapshot after, List<Regression> regressions, int published) {

    Comparison published(int count) {
        return new Comparison(baseline, laterName, laterSavepoint, before, after, regressions, count);
    }
}
