package dev.braid.normalize.parse;

import dev.braid.schema.NormalizedEvent;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The formats of one source, tried in order. The {@code braid.format} header, when a shipper sets
 * it, picks the format directly; otherwise the first parser that accepts the text wins.
 */
public final class SourceParser implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<FormatParser> formats;

    public SourceParser(List<FormatParser> formats) {
        this.formats = List.copyOf(formats);
    }

    public List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException {
        FormatParser parser = choose(input);
        List<NormalizedEvent.Builder> drafts = parser.parse(input);
        if (drafts.isEmpty()) {
            throw ParseException.schemaViolation(parser.format() + " record holds no event");
        }
        for (NormalizedEvent.Builder draft : drafts) {
            draft.getTags().add("format:" + parser.format());
        }
        return drafts;
    }

    private FormatParser choose(ParseInput input) throws ParseException {
        String named = input.header(ParseInput.FORMAT_HEADER);
        if (named != null) {
            for (FormatParser parser : formats) {
                if (parser.format().equals(named)) {
                    return parser;
                }
            }
            throw ParseException.unknownFormat(
                    "header " + ParseInput.FORMAT_HEADER + "=" + named + " names no format of this source; known: " + names());
        }
        for (FormatParser parser : formats) {
            if (parser.accepts(input)) {
                return parser;
            }
        }
        throw ParseException.unknownFormat("matches none of the formats " + names());
    }

    /** The names of the formats, as the {@code braid.format} header takes them. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        formats.forEach(parser -> names.add(parser.format()));
        return names;
    }
}
