package dev.braid.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The short fault matrix of CI: the three jobs together under three TaskManager kills and one
 * broker restart lose nothing, duplicate nothing and raise the alerts of a fault-free run. The
 * full matrix is {@link FaultMatrix}'s main, with its figures in docs/reliability.md.
 */
class FaultMatrixTest {

    @Test
    void aFewKillsAndABrokerRestartLoseAndDuplicateNothing() throws Exception {
        List<FaultMatrix.Row> rows = new FaultMatrix().run(FaultMatrix.Plan.quick());

        assertThat(rows).hasSize(2).allSatisfy(row -> {
            assertThat(row.lost()).as("%s: raw records without an event or dead letter", row.fault()).isZero();
            assertThat(row.duplicatedEvents()).as("%s: events committed twice", row.fault()).isZero();
            assertThat(row.duplicatedTraces()).as("%s: trace versions committed twice", row.fault()).isZero();
            assertThat(row.duplicatedAlerts()).as("%s: alert revisions committed twice", row.fault()).isZero();
            assertThat(row.seenTwiceByReader()).as("%s: events a concurrent reader saw twice", row.fault()).isZero();
            assertThat(row.alertsUnlikeFaultFree()).as("%s: alerts unlike the fault-free run's", row.fault()).isZero();
            assertThat(row.recoveries()).as("%s: a commit after every strike", row.fault()).hasSize(row.strikes());
            assertThat(row.events()).isPositive();
        });
    }
}
