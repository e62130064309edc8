package dev.braid.normalize.parse.browser;

import dev.braid.normalize.parse.FormatParser;

import java.util.List;

/** The browser formats, in the order they are tried when no {@code braid.format} header names one. */
public final class BrowserParsers {

    private BrowserParsers() {}

    public static List<FormatParser> all() {
        return List.of(
                new CdpEventParser(),
                new UserActionParser(),
                new WebVitalParser(),
                new AccessibilityParser());
    }
}
