package dev.braid.normalize.parse;

import dev.braid.schema.NormalizedEvent;

import java.io.Serializable;
import java.util.List;

/**
 * Parses one real tool format. Returns drafts: the caller fills id, source, ingest time and the
 * ingest headers' keys, then redacts and builds them.
 */
public interface FormatParser extends Serializable {

    /** The name the {@code braid.format} header selects this parser by, for example {@code jest}. */
    String format();

    /** A cheap look at the text: does it look like this format? */
    boolean accepts(ParseInput input);

    /** One draft per event the record holds; throws when the record claims the format but breaks it. */
    List<NormalizedEvent.Builder> parse(ParseInput input) throws ParseException;
}
