package dev.braid.normalize.parse.backend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.normalize.parse.Drafts;
import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.Timestamps;
import dev.braid.schema.NormalizedEvent;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Docker's json-file log driver, {@code {"log":"line\n","stream":"stderr","time":"RFC3339Nano"}}:
 * one line of the container's output, parsed again by the other backend formats. The stream is kept
 * so the pipeline merges stack continuations into the previous event of the same stream.
 */
public final class DockerJsonFileParser implements FormatParser {

    private static final long serialVersionUID = 1L;

    /** Docker writes {@code log} first, always; apps' own JSON rarely starts that way. */
    private static final Pattern HEAD = Pattern.compile("^\\s*\\{\\s*\"log\"\\s*:\\s*\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*\"");

    @Override
    public String format() {
        return "docker";
    }

    @Override
    public boolean accepts(ParseInput input) {
        return HEAD.matcher(input.text()).find() && STREAM.matcher(input.text()).find();
    }

    @Override
    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        JsonNode record = Json.object(input.text());
        JsonNode log = record.get("log");
        if (log == null || !log.isTextual()) {
            throw ParseException.schemaViolation("docker json-file record needs a string field 'log', found "
                    + (log == null ? "none" : log.getNodeType().toString()));
        }
        String text = log.asText();
        // Docker cuts lines longer than 16 KiB into parts, and only the last ends with a newline: the
        // pipeline rejoins them, so a part here is a line whose end never came.
        boolean partial = !text.endsWith("\n");
        String line = partial ? text : text.substring(0, text.length() - 1);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        List<NormalizedEvent.Builder> drafts = inner(new ParseInput(line, input.headers(), input.kafkaTimestamp()));
        long time = Timestamps.parse(Json.text(record, "time"));
        String stream = Json.text(record, "stream");
        for (NormalizedEvent.Builder draft : drafts) {
            LogRecords.logLine(draft).setStream(stream);
            if (!draft.hasEventTime()) {
                Drafts.time(draft, time);
            }
            if (partial) {
                Drafts.meta(draft, "docker.partial", "true");
            }
            record.path("attrs").fields().forEachRemaining(
                    attr -> LogRecords.put(draft, "docker.attrs." + attr.getKey(), attr.getValue()));
        }
        return drafts;
    }

    /**
     * The container's line in the first backend format that takes it. A line that looks like JSON or
     * a known format but breaks it is still the container's output, so it is kept as plain text
     * rather than losing the whole record.
     */
    private static List<NormalizedEvent.Builder> inner(ParseInput line) throws ParseException {
        for (FormatParser parser : BackendParsers.inner()) {
            if (parser.accepts(line)) {
                try {
                    return parser.parse(line);
                } catch (ParseException e) {
                    break;
                }
            }
        }
        return new PlainTextParser().parse(line);
    }
}
