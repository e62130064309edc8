package dev.braid.cli;

import dev.braid.connectors.Topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Runs {@code braid} commands in this JVM, as the script would, and keeps what they printed. */
public record CliRun(int exitCode, String out, String err) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Braid.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static String value(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    public static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    /** Runs {@code command} with {@code input} as its standard input, as a shell pipe would give it. */
    public static CliRun piped(byte[] input, Supplier<CliRun> command) {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input));
            return command.get();
        } finally {
            System.setIn(stdin);
        }
    }

    /** The flags that point a command at the broker and topics of a test configuration. */
    public static List<String> kafkaFlags(Configuration config) {
        List<String> flags = new ArrayList<>(List.of("--bootstrap-servers", config.toMap().get("braid.kafka.bootstrap-servers")));
        for (ConfigOption<String> option : Topics.options()) {
            flags.add("--topic");
            flags.add(option.key().substring("braid.topics.".length()) + "=" + config.get(option));
        }
        return flags;
    }

    /** {@code command} followed by the Kafka flags of {@code config}, then {@code more}. */
    public static CliRun on(Configuration config, List<String> command, String... more) {
        List<String> args = new ArrayList<>(command);
        args.addAll(kafkaFlags(config));
        args.addAll(List.of(more));
        return of(args.toArray(String[]::new));
    }

    /** Every event of every page of {@code observe timeline --since all --json}, narrowed by {@code flags}, as an agent pages. */
    public static List<JsonNode> timeline(Configuration config, String... flags) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("observe", "timeline", "--since", "all", "--json"));
        args.addAll(List.of(flags));
        String cursor = null;
        do {
            List<String> page = new ArrayList<>(args);
            if (cursor != null) {
                page.addAll(List.of("--cursor", cursor));
            }
            CliRun run = on(config, page);
            if (run.exitCode() != 0) {
                throw new AssertionError("observe timeline failed: " + run.err());
            }
            JsonNode document = JSON.readTree(run.out());
            document.get("records").forEach(events::add);
            cursor = document.get("more").asBoolean() ? document.get("next_cursor").asText() : null;
        } while (cursor != null);
        return events;
    }
}
