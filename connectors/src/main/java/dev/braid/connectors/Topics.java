package dev.braid.connectors;

import dev.braid.schema.AlertFamily;
import dev.braid.schema.Source;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one registry of Braid's topic names and their configuration. Immutable; every job reads its
 * names from here so that a renamed topic is renamed everywhere.
 */
public final class Topics implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final long DAY_MS = 24L * 60 * 60 * 1000;

    public static final ConfigOption<String> EVENTS =
            ConfigOptions.key("braid.topics.events")
                    .stringType()
                    .defaultValue("braid.events")
                    .withDescription("Normalized events, Avro NormalizedEvent.");

    public static final ConfigOption<String> DEAD_LETTERS =
            ConfigOptions.key("braid.topics.dead-letters")
                    .stringType()
                    .defaultValue("braid.dead-letters")
                    .withDescription("Records that could not be normalized, Avro DeadLetter.");

    public static final ConfigOption<String> TRACES =
            ConfigOptions.key("braid.topics.traces")
                    .stringType()
                    .defaultValue("braid.traces")
                    .withDescription("Correlated traces, Avro CorrelatedTrace, keyed by trace id.");

    public static final ConfigOption<String> LATE_EVENTS =
            ConfigOptions.key("braid.topics.late-events")
                    .stringType()
                    .defaultValue("braid.late-events")
                    .withDescription("Errors without a trace id that came too late to anchor an error bundle (they are on the events topic too), Avro NormalizedEvent.");

    public static final ConfigOption<String> FIXES =
            ConfigOptions.key("braid.topics.fixes")
                    .stringType()
                    .defaultValue("braid.fixes")
                    .withDescription("Error-then-success pairs of one task signature, Avro Fix.");

    public static final ConfigOption<String> OTLP_SPANS =
            ConfigOptions.key("braid.topics.otlp-spans")
                    .stringType()
                    .defaultValue("otlp_spans")
                    .withDescription("Spans as the OpenTelemetry Collector's Kafka exporter writes them (otlp_proto or"
                            + " otlp_json TracesData); the exporter's default topic.");

    public static final ConfigOption<String> OTLP_LOGS =
            ConfigOptions.key("braid.topics.otlp-logs")
                    .stringType()
                    .defaultValue("otlp_logs")
                    .withDescription("Log records as the OpenTelemetry Collector's Kafka exporter writes them (otlp_proto or"
                            + " otlp_json LogsData); the exporter's default topic.");

    /**
     * Raw records may hold what no shipper redacted; the normalize job masks them within seconds,
     * so the raw topics need to keep them only as long as normalize may be down.
     */
    public static final ConfigOption<Duration> RAW_RETENTION =
            ConfigOptions.key("braid.topics.raw-retention")
                    .durationType()
                    .defaultValue(Duration.ofHours(24))
                    .withDescription("Retention of the raw topics when Braid creates them: how long normalize may be"
                            + " down before raw records it has not read are deleted.");

    private final Map<Source, String> raw;
    private final String otlpSpans;
    private final String otlpLogs;
    private final Duration rawRetention;
    private final Map<AlertFamily, String> alerts;
    private final String fixes;
    private final String events;
    private final String deadLetters;
    private final String traces;
    private final String lateEvents;

    private Topics(Map<Source, String> raw, String otlpSpans, String otlpLogs, Duration rawRetention, String events,
            String deadLetters, String traces,
            String lateEvents, Map<AlertFamily, String> alerts, String fixes) {
        this.raw = Collections.unmodifiableMap(new EnumMap<>(raw));
        this.rawRetention = rawRetention;
        this.alerts = Collections.unmodifiableMap(new EnumMap<>(alerts));
        this.otlpSpans = otlpSpans;
        this.otlpLogs = otlpLogs;
        this.fixes = fixes;
        this.events = events;
        this.deadLetters = deadLetters;
        this.traces = traces;
        this.lateEvents = lateEvents;
    }

    /** The option naming the raw topic of one source, for example {@code braid.topics.raw.backend}. */
    public static ConfigOption<String> rawOption(Source source) {
        String family = source.name().toLowerCase();
        return ConfigOptions.key("braid.topics.raw." + family)
                .stringType()
                .defaultValue("braid.raw." + family)
                .withDescription("Raw " + family + " records as the tools emit them.");
    }

    /** The option naming the alert topic of one family, for example {@code braid.topics.alerts.ci}. */
    public static ConfigOption<String> alertsOption(AlertFamily family) {
        String name = family.name().toLowerCase().replace('_', '-');
        return ConfigOptions.key("braid.topics.alerts." + name)
                .stringType()
                .defaultValue("braid.alerts." + name)
                .withDescription("Alerts of the " + name + " family, Avro Alert, keyed by rule and key.");
    }

    /** All topic options, for validation of unknown keys and for documentation. */
    public static List<ConfigOption<String>> options() {
        List<ConfigOption<String>> options = new ArrayList<>();
        for (Source source : Source.values()) {
            options.add(rawOption(source));
        }
        options.add(OTLP_SPANS);
        options.add(OTLP_LOGS);
        options.add(EVENTS);
        options.add(DEAD_LETTERS);
        options.add(TRACES);
        options.add(LATE_EVENTS);
        for (AlertFamily family : AlertFamily.values()) {
            options.add(alertsOption(family));
        }
        options.add(FIXES);
        return options;
    }

    /** Reads and validates topic names; throws {@link IllegalArgumentException} naming the bad key. */
    public static Topics from(ReadableConfig config) {
        Map<Source, String> raw = new EnumMap<>(Source.class);
        for (Source source : Source.values()) {
            raw.put(source, validName(config, rawOption(source)));
        }
        Map<AlertFamily, String> alerts = new EnumMap<>(AlertFamily.class);
        for (AlertFamily family : AlertFamily.values()) {
            alerts.put(family, validName(config, alertsOption(family)));
        }
        Topics topics = new Topics(raw, validName(config, OTLP_SPANS), validName(config, OTLP_LOGS), Options.positive(config, RAW_RETENTION), validName(config, EVENTS), validName(config, DEAD_LETTERS),
                validName(config, TRACES), validName(config, LATE_EVENTS), alerts, validName(config, FIXES));
        long distinct = topics.all().stream().map(TopicSpec::name).distinct().count();
        if (distinct != topics.all().size()) {
            throw new IllegalArgumentException(
                    "braid.topics.*: every topic needs its own name, but some share one: " + topics.all());
        }
        return topics;
    }

    private static String validName(ReadableConfig config, ConfigOption<String> option) {
        String name = config.get(option);
        if (name == null || !LEGAL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    option.key() + " = '" + name + "' is not a legal Kafka topic name: use 1 to 249 of a-z A-Z 0-9 . _ -");
        }
        return name;
    }

    public String raw(Source source) {
        return raw.get(source);
    }

    /** The topic of a raw input: its family's raw topic, or one of the Collector's. */
    public String input(RawInput input) {
        return switch (input) {
            case OTLP_SPANS -> otlpSpans;
            case OTLP_LOGS -> otlpLogs;
            default -> raw(input.family());
        };
    }

    public String events() {
        return events;
    }

    public String deadLetters() {
        return deadLetters;
    }

    public String traces() {
        return traces;
    }

    public String lateEvents() {
        return lateEvents;
    }

    public String alerts(AlertFamily family) {
        return alerts.get(family);
    }

    public String fixes() {
        return fixes;
    }

    /** The topics of the optional inputs (see {@link RawInput#optional()}): the jobs start without them. */
    public List<String> optional() {
        return List.of(otlpSpans, otlpLogs);
    }

    /** Every topic with the partitions and retention Braid expects; used to create them. */
    public List<TopicSpec> all() {
        List<TopicSpec> specs = new ArrayList<>();
        for (Source source : Source.values()) {
            specs.add(new TopicSpec(raw(source), 3, retention(rawRetention.toMillis())));
        }
        specs.add(new TopicSpec(otlpSpans, 3, retention(rawRetention.toMillis())));
        specs.add(new TopicSpec(otlpLogs, 3, retention(rawRetention.toMillis())));
        specs.add(new TopicSpec(events, 6, retention(7 * DAY_MS)));
        // Dead letters wait for a person: keep them longer than the data they came from.
        specs.add(new TopicSpec(deadLetters, 1, retention(30 * DAY_MS)));
        specs.add(new TopicSpec(traces, 6, retention(7 * DAY_MS)));
        specs.add(new TopicSpec(lateEvents, 1, retention(30 * DAY_MS)));
        // Alerts and fixes are small and read by people and agents long after: keep them a month.
        for (AlertFamily family : AlertFamily.values()) {
            specs.add(new TopicSpec(alerts(family), 3, retention(30 * DAY_MS)));
        }
        specs.add(new TopicSpec(fixes, 3, retention(30 * DAY_MS)));
        return specs;
    }

    private static Map<String, String> retention(long millis) {
        return Map.of("retention.ms", Long.toString(millis));
    }

    @Override
    public String toString() {
        return "Topics{raw=" + raw + ", otlpSpans=" + otlpSpans + ", otlpLogs=" + otlpLogs + ", events=" + events + ", deadLetters=" + deadLetters
                + ", traces=" + traces + ", lateEvents=" + lateEvents + ", alerts=" + alerts + ", fixes=" + fixes + '}';
    }
}
