package dev.braid.normalize.parse.testreport;

import dev.braid.normalize.parse.FormatParser;

import java.util.List;

/** The test formats, in the order they are tried when no {@code braid.format} header names one. */
public final class TestReportParsers {

    private TestReportParsers() {}

    /** Jest's single report object is tried before go's line-per-event stream, which also starts with '{'. */
    public static List<FormatParser> all() {
        return List.of(new JestJsonParser(), new GoTestJsonParser(), new JUnitXmlParser());
    }
}
