package dev.braid.cli.mcp;

import dev.braid.cli.Braid;
import dev.braid.cli.Failures;
import dev.braid.cli.UserError;
import dev.braid.cli.mcp.BraidTool.Pages;
import dev.braid.cli.observe.Page;
import dev.braid.cli.observe.RecordCut;
import dev.braid.cli.observe.Since;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Answers a tool call by running its {@code braid} command in this JVM and handing back the JSON it
 * printed, as text and as structured content, in a response of at most {@link #MAX_RESPONSE_BYTES}
 * bytes: the whole JSON-RPC message, both copies and their escaping counted. A command that fails
 * becomes a tool error with the one line the CLI prints.
 */
final class ToolRunner {

    /** Common agent clients cut tool results near 25,000 tokens; bytes are the stricter bound. */
    static final int MAX_RESPONSE_BYTES = 25_000;
    /** The JSON-RPC envelope around a result: version, id and the field names. */
    private static final int ENVELOPE_BYTES = 100;
    /** A first guess of the page the command may print: the response holds it twice, once escaped. */
    private static final int FIRST_PAGE_BYTES = 11_000;
    private static final int MIN_PAGE_BYTES = 1_000;
    /** A response holds its document twice, as structured content and as escaped text: an item gets a third of it. */
    private static final int RESPONSE_COPIES = 3;
    /** An error's line at most: a few times a screen line, far below a response's size even if every character escapes. */
    private static final int MAX_ERROR_CHARS = 2_000;
    /** Documents paged through by cursor; an older one's cursor asks for the call again. */
    private static final int KEPT_DOCUMENTS = 32;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Map<String, List<String>> connection;
    private final McpJsonMapper mcpJson;
    private final Map<String, ObjectNode> documents = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > KEPT_DOCUMENTS;
        }
    });

    /**
     * @param connection the flags {@code braid mcp} was given (Kafka, Flink, catalog), by option
     *     name; each command gets those it takes
     */
    ToolRunner(Map<String, List<String>> connection, McpJsonMapper mcpJson) {
        this.connection = connection;
        this.mcpJson = mcpJson;
    }

    CallToolResult call(BraidTool tool, Map<String, Object> arguments) {
        Map<String, Object> given = arguments == null ? Map.of() : arguments;
        try {
            return tool.pages() == Pages.COMMAND ? commandPages(tool, given) : documentPages(tool, given);
        } catch (UserError e) {
            return error("braid: " + e.getMessage());
        } catch (RuntimeException e) {
            return error("braid: " + Failures.oneLine(e));
        }
    }

    /** An observe command: it pages itself; the page it prints is shrunk until the response fits. */
    private CallToolResult commandPages(BraidTool tool, Map<String, Object> given) {
        McpCursor.Command continued = given.get(BraidTools.CURSOR) instanceof String cursor
                ? McpCursor.decodeCommand(tool.name(), cursor)
                : new McpCursor.Command(withFixedSince(tool, given), null);
        int pageBytes = FIRST_PAGE_BYTES;
        while (true) {
            List<String> paging = new ArrayList<>(List.of("--max-bytes", String.valueOf(pageBytes)));
            if (continued.commandCursor() != null) {
                paging.addAll(List.of("--cursor", continued.commandCursor()));
            }
            Run run = run(tool, continued.arguments(), paging);
            if (run.exitCode() != 0) {
                return error(run.errorLine());
            }
            ObjectNode page = run.document();
            // The CLI's way on (its next command, and a stop reason naming its flags) is the cursor here.
            page.remove("next");
            page.remove("stopped");
            JsonNode next = page.remove("next_cursor");
            if (next != null) {
                page.put("next_cursor", McpCursor.command(tool.name(), continued.arguments(), next.asText()));
            }
            CallToolResult result = result(page);
            int size = size(result);
            if (size <= MAX_RESPONSE_BYTES) {
                return result;
            }
            if (pageBytes == MIN_PAGE_BYTES) {
                throw tooLarge(tool, size);
            }
            pageBytes = Math.max(MIN_PAGE_BYTES, (int) (pageBytes * 0.9 * MAX_RESPONSE_BYTES / size));
        }
    }

    /**
     * The arguments with {@code since} an instant: later pages must start where the first did, not
     * at "1h" before the time they are asked for.
     */
    private static Map<String, Object> withFixedSince(BraidTool tool, Map<String, Object> given) {
        Map<String, Object> fixed = new LinkedHashMap<>(given);
        OptionSpec since = spec(tool).findOption("--since");
        if (since != null) {
            String text = given.get(BraidTools.SINCE) instanceof String value ? value : since.defaultValue();
            Instant from = Since.parse(text, Instant.now());
            fixed.put(BraidTools.SINCE, from == null ? "all" : from.toString());
        }
        return fixed;
    }

    /** A command that answers whole: its document is returned whole when it fits, else its list a page at a time. */
    private CallToolResult documentPages(BraidTool tool, Map<String, Object> given) {
        if (given.get(BraidTools.CURSOR) instanceof String cursor) {
            McpCursor.Document continued = McpCursor.decodeDocument(tool.name(), cursor);
            ObjectNode document = documents.get(continued.id());
            if (document == null) {
                throw new UserError("the " + tool.name() + " answer this cursor pages through is no longer kept: call "
                        + tool.name() + " again without a cursor");
            }
            if (continued.next() < 0 || continued.next() > document.path(tool.list()).size()) {
                throw new UserError("cursor " + cursor + " points past the " + tool.name() + " answer it pages through");
            }
            return page(tool, document, continued.id(), continued.next());
        }
        Run run = run(tool, given, List.of());
        if (run.exitCode() != 0) {
            return error(run.errorLine());
        }
        ObjectNode document = run.document();
        CallToolResult whole = result(document);
        if (size(whole) <= MAX_RESPONSE_BYTES) {
            return whole;
        }
        if (tool.list() == null || !document.path(tool.list()).isArray()) {
            throw tooLarge(tool, size(whole));
        }
        String id = UUID.randomUUID().toString();
        documents.put(id, document);
        return page(tool, document, id, 0);
    }

    /**
     * The document with its list cut to the items from {@code first} that fit, and a cursor when
     * more follow; an item too large for a response alone is cut to fit ({@link RecordCut}).
     */
    private CallToolResult page(BraidTool tool, ObjectNode document, String id, int first) {
        ArrayNode items = (ArrayNode) document.path(tool.list());
        int fits = first;
        int doesNotFit = items.size() + 1;
        while (doesNotFit - fits > 1) {
            int middle = (fits + doesNotFit) >>> 1;
            if (size(result(slice(tool, document, id, first, middle))) <= MAX_RESPONSE_BYTES) {
                fits = middle;
            } else {
                doesNotFit = middle;
            }
        }
        if (fits > first || first == items.size()) {
            return fitting(tool, result(slice(tool, document, id, first, Math.min(fits, items.size()))));
        }
        ObjectNode alone = document.deepCopy();
        ArrayNode cutItems = (ArrayNode) alone.path(tool.list());
        int room = (MAX_RESPONSE_BYTES - size(result(slice(tool, document, id, first, first)))) / RESPONSE_COPIES;
        cutItems.set(first, RecordCut.fit((ObjectNode) items.get(first), room));
        return fitting(tool, result(slice(tool, alone, id, first, first + 1)));
    }

    /** The result when it fits a response; else the error that says the answer cannot. */
    private CallToolResult fitting(BraidTool tool, CallToolResult result) {
        int size = size(result);
        if (size > MAX_RESPONSE_BYTES) {
            throw tooLarge(tool, size);
        }
        return result;
    }

    private static ObjectNode slice(BraidTool tool, ObjectNode document, String id, int from, int to) {
        ObjectNode page = document.deepCopy();
        ArrayNode all = (ArrayNode) document.path(tool.list());
        ArrayNode shown = page.putArray(tool.list());
        for (int i = from; i < Math.min(to, all.size()); i++) {
            shown.add(all.get(i));
        }
        page.put("from", from);
        page.put("shown", shown.size());
        page.put("more", to < all.size());
        if (to < all.size()) {
            page.put("next_cursor", McpCursor.document(tool.name(), id, to));
        }
        return page;
    }

    private CallToolResult result(ObjectNode document) {
        return CallToolResult.builder()
                .addTextContent(document.toString())
                .structuredContent(JSON.convertValue(document, MAP))
                .build();
    }

    private int size(CallToolResult result) {
        try {
            return mcpJson.writeValueAsBytes(result).length + ENVELOPE_BYTES;
        } catch (IOException e) {
            throw new IllegalStateException("a tool result always serializes", e);
        }
    }

    private static UserError tooLarge(BraidTool tool, int bytes) {
        return new UserError("the " + tool.name() + " answer is " + bytes + " bytes even at its smallest, more than one response"
                + " may hold (" + MAX_RESPONSE_BYTES + "): narrow it with the tool's filters");
    }

    /** A tool error; its line may echo what the caller sent, so it is cut to stay far below a response's size. */
    private static CallToolResult error(String line) {
        return CallToolResult.builder().isError(true).addTextContent(Page.cut(line, MAX_ERROR_CHARS)).build();
    }

    /**
     * Runs the tool's command with its arguments, {@code more} flags and the connection flags the
     * command takes, capturing what it prints. No {@code @file} in an argument is read.
     */
    private Run run(BraidTool tool, Map<String, Object> given, List<String> more) {
        List<String> options = new ArrayList<>(more);
        CommandSpec spec = spec(tool);
        connection.forEach((option, values) -> {
            if (spec.findOption(option) != null) {
                values.forEach(value -> options.addAll(List.of(option, value)));
            }
        });
        String[] args = tool.commandLine(given, options).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Braid.commandLine().setExpandAtFiles(false).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static CommandSpec spec(BraidTool tool) {
        CommandLine command = Braid.commandLine();
        for (String word : tool.command()) {
            command = command.getSubcommands().get(word);
        }
        return command.getCommandSpec();
    }

    /** What a command printed, and how it ended. */
    private record Run(int exitCode, String out, String err) {

        ObjectNode document() {
            try {
                return (ObjectNode) JSON.readTree(out);
            } catch (IOException | ClassCastException e) {
                throw new IllegalStateException("braid printed no JSON document: " + out, e);
            }
        }

        /** The CLI's one-line message: its first line on standard error. */
        String errorLine() {
            return err.lines().filter(text -> !text.isBlank()).findFirst().orElse("braid: failed with exit code " + exitCode);
        }
    }
}
