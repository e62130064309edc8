package dev.braid.cli.analyze;

import dev.braid.cli.baseline.Baseline;
import dev.braid.detect.baseline.BaselineSnapshot;
import dev.braid.detect.baseline.Regression;

import java.util.List;

/**
 * One analysis: the baseline, what it was compared with, the later state and what regressed.
 *
 * @param laterName "baseline NAME" or "the running job NAME (ID)"
 * @param published how many regressions were published as alerts
 */
record Comparison(Baseline baseline, String laterName, String laterSavepoint, BaselineSnapshot after,
                  List<Regression> regressions, int published) {

    Comparison published(int count) {
        return new Comparison(baseline, laterName, laterSavepoint, after, regressions, count);
    }
}
