package dev.braid.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class CorrelateConfigTest {

    private static final String BOOTSTRAP = "--braid.kafka.bootstrap-servers";

    @Test
    void defaultsFollowTheSeedsThresholds() {
        CorrelateConfig config = CorrelateJob.configFromArgs(new String[] {BOOTSTRAP, "localhost:9092"});

        assertThat(config.inactivityGap()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.bundleWindow()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxTraceBytes()).isEqualTo(25 * 1024);
        assertThat(config.topics().traces()).isEqualTo("braid.traces");
        assertThat(config.stateTtl()).as("a backstop of days").isEqualTo(Duration.ofDays(7));
        assertThat(config.traceQuiet()).as("gap plus idleness").isEqualTo(Duration.ofMinutes(1));
        assertThat(config.bundleQuiet()).as("window plus idleness").isEqualTo(Duration.ofSeconds(35));
    }

    @Test
    void aStateTtlShorterThanADayIsRejectedAsItWouldExpireStateDuringALull() {
        assertThatThrownBy(() -> CorrelateJob.configFromArgs(new String[] {BOOTSTRAP, "localhost:9092",
                "--braid.correlate.state-ttl", "50 s"}))
                .hasMessageContaining("braid.correlate.state-ttl = 50 s").hasMessageContaining("at least 1 d");
    }

    @Test
    void everyThresholdIsConfigurable() {
        CorrelateConfig config = CorrelateJob.configFromArgs(new String[] {BOOTSTRAP, "localhost:9092",
                "--braid.correlate.inactivity-gap", "45 s", "--braid.correlate.bundle-window", "2 s",
                "--braid.correlate.max-trace-size", "50kb", "--braid.topics.traces", "team.traces"});

        assertThat(config.inactivityGap()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.bundleWindow()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxTraceBytes()).isEqualTo(50 * 1024);
        assertThat(config.topics().traces()).isEqualTo("team.traces");
    }

    @Test
    void aTypoInAnOptionStopsTheStartNamingIt() {
        assertThatThrownBy(() -> CorrelateJob.configFromArgs(new String[] {BOOTSTRAP, "localhost:9092",
                "--braid.correlate.inactivity-gapp", "45 s"}))
                .hasMessageContaining("braid.correlate.inactivity-gapp").hasMessageContaining("correlate job knows");
    }

    @Test
    void maximumDurationShorterThanTheGapIsRejected() {
        assertThatThrownBy(() -> CorrelateJob.configFromArgs(new String[] {BOOTSTRAP, "localhost:9092",
                "--braid.correlate.max-duration", "10 s"}))
                .hasMessageContaining("braid.correlate.max-duration").hasMessageContaining("braid.correlate.inactivity-gap");
    }

    @Test
    void traceSizeOutsideItsRangeIsRejected() {
        assertThatThrownBy(() -> CorrelateJob.configFromArgs(new String[] {BOOTSTRAP, "localhost:9092",
                "--braid.correlate.max-trace-size", "1kb"}))
                .hasMessageContaining("braid.correlate.max-trace-size").hasMessageContaining("between 2kb and 1mb");
    }

    @Test
    void missingBrokersAreNamed() {
        assertThatThrownBy(() -> CorrelateJob.configFromArgs(new String[0]))
                .hasMessageContaining("braid.kafka.bootstrap-servers is missing");
    }
}
