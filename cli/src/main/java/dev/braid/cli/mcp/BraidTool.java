package dev.braid.cli.mcp;

import io.modelcontextprotocol.spec.McpSchema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One MCP tool and the {@code braid} command that answers it. {@code arguments} turns the tool's
 * arguments into the command's flags and positional values; the command prints one JSON document.
 *
 * @param command the command's words, e.g. {@code observe timeline}
 * @param pages how the answer is paged: by the command's own cursor, or by slicing the array
 *     {@code list} of the document the command printed once
 * @param list for {@link Pages#DOCUMENT}, the field of the array to page through
 */
record BraidTool(String name, String title, String description, ToolSchema schema, List<String> command, Pages pages, String list,
                 Function<Map<String, Object>, Flags> arguments) {

    /** How a tool's answers continue past one response. */
    enum Pages {
        /** The command pages itself with {@code --cursor} and {@code --max-bytes} (the observe commands). */
        COMMAND,
        /** The command answers whole, once; its document is kept and its list handed out a page at a time. */
        DOCUMENT
    }

    McpSchema.Tool definition() {
        return McpSchema.Tool.builder().name(name).title(title).description(description).inputSchema(schema.build()).build();
    }

    /**
     * The command line: its words, the flags of the arguments, then {@code more} flags, and last,
     * after {@code --}, the positional values, so that free text such as {@code --- FAIL: TestX}
     * is never read as an option.
     */
    List<String> commandLine(Map<String, Object> given, List<String> more) {
        Flags flags = arguments.apply(given);
        List<String> line = new ArrayList<>(command);
        line.addAll(flags.options);
        line.addAll(more);
        if (!flags.positionals.isEmpty()) {
            line.add("--");
            line.addAll(flags.positionals);
        }
        return line;
    }

    /** Flags and positional values built from tool arguments: absent arguments add nothing. */
    static final class Flags {
        private final Map<String, Object> given;
        private final List<String> options = new ArrayList<>();
        private final List<String> positionals = new ArrayList<>();

        Flags(Map<String, Object> given) {
            this.given = given;
        }

        Flags positional(String name) {
            Object value = given.get(name);
            if (value != null) {
                positionals.add(String.valueOf(value));
            }
            return this;
        }

        Flags option(String flag, String name) {
            Object value = given.get(name);
            if (value instanceof Collection<?> values) {
                if (!values.isEmpty()) {
                    options.add(flag);
                    options.add(String.join(",", values.stream().map(String::valueOf).toList()));
                }
            } else if (value != null) {
                options.add(flag);
                // A client may send 50 as 50.0; the commands' integer flags take only the former.
                options.add(value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                        ? String.valueOf(number.longValue()) : String.valueOf(value));
            }
            return this;
        }

        Flags flag(String flag, String name) {
            if (Boolean.TRUE.equals(given.get(name))) {
                options.add(flag);
            }
            return this;
        }

        Flags always(String... words) {
            options.addAll(List.of(words));
            return this;
        }
    }
}
