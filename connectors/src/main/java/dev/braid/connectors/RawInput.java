package dev.braid.connectors;

import dev.braid.schema.Source;

/**
 * A raw topic the normalize job reads: the six of Braid's shippers, one per source family, and the
 * two the OpenTelemetry Collector's Kafka exporter writes. Spans and logs are backend telemetry;
 * their records carry no {@code braid.format} header, so their input names the format.
 */
public enum RawInput {
    BROWSER(Source.BROWSER, null),
    BACKEND(Source.BACKEND, null),
    TEST(Source.TEST, null),
    GIT(Source.GIT, null),
    CI(Source.CI, null),
    AGENT(Source.AGENT, null),
    OTLP_SPANS(Source.BACKEND, "otlp_spans"),
    OTLP_LOGS(Source.BACKEND, "otlp_logs");

    private final Source family;
    private final String format;

    RawInput(Source family, String format) {
        this.family = family;
        this.format = format;
    }

    /** The source family of the input's events. */
    public Source family() {
        return family;
    }

    /** The format every record of the input is in, or null where each record's header or text tells. */
    public String format() {
        return format;
    }

    /**
     * Whether the job may start before the topic exists. The Collector's topics are there only
     * where a Collector exports to this cluster; Braid's own are created with the deployment.
     */
    public boolean optional() {
        return format != null;
    }
}
