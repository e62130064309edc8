package dev.braid.detect.baseline;

import dev.braid.testing.Fixtures;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Inputs for the tests that pin what a faster path of {@link ErrorSignatures} and {@link Routes}
 * must give: every line of the text fixtures, every URL in the browser fixtures, and strings built
 * at random from fragments that exercise each pattern's edges.
 */
final class FixtureStrings {

    private static final List<String> TEXT_FIXTURES = List.of(
            "agent/agent-events.jsonl", "backend/docker-json.log", "backend/docker-mixed.log", "backend/go-log.log",
            "backend/go-slog-json.log", "backend/go-slog-text.log", "backend/logback-default-date.log",
            "backend/logback-iso-t.log", "backend/logback-iso-zone.log", "backend/logback-level-first.log",
            "backend/logback-springboot.log", "backend/logback-springboot3.log", "backend/logback-thread-first.log",
            "backend/logback.log", "backend/node-console.log", "backend/pino.log", "backend/python-logging-asctime.log",
            "backend/python-logging-default.log", "backend/structlog-console.log", "backend/structlog-json.log",
            "backend/zap.log", "browser/cdp-events.jsonl", "browser/web-vitals.jsonl", "ci/runner-lifecycle.jsonl",
            "git/post-commit.jsonl", "redaction/secrets.tsv", "test/go-test-build-failure.jsonl", "test/go-test.jsonl",
            "test/pytest-junit.xml", "test/surefire-outcomes.xml", "test/surefire-report.xml");
    private static final List<String> BROWSER_FIXTURES = List.of("browser/cdp-events.jsonl", "browser/web-vitals.jsonl");
    private static final Pattern QUOTED_URL = Pattern.compile("\"(?:url|page|name|documentURL)\":\"([^\"]*)\"");

    private static final String[] MESSAGE_FRAGMENTS = {
            "order ", "1234", " not found", "https://pay.example.com/v1/charges?id=7", "ftp://x", "a://", "://", "@",
            "bob@example.com", "a.b@c", "3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b", "-", "--", "10.0.3.7", ":5432", "1.2.3",
            "256.1.1.1.1", "/var/app/a.png", "/", "//", "/x/", "a/b/c", "C:\\Users\\bob\\a.txt", "c:\\", ":\\", "0x1F",
            "0x", "0xZZ", "deadbeef", "9c1e5f0a7b", "abcdef12", "aZ3kP9qL2mN8xR4tV7wY1b", "abcdefghijklmnop1", "_", "__",
            "-12.5", "3.", ".5", "7", " ", "  ", "\t", "\r", "\u000b", "\f", "é", "ß", "日本", "١٢٣", "x", "Error:", "(", ")",
            "'", "\"", "=", ",", ";", "\u00a0",
    };
    private static final String[] URL_FRAGMENTS = {
            "https://", "http://", "ws://", "//", "/", "", "mailto:", "data:image/gif;base64,R0lG", "shop.example.com",
            "localhost:3000", "127.0.0.1:8765", "[::1]:80", "user@host", "a..b", "-x", "host:port", ":80", "api", "orders",
            "1234", "3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b", "9f86d081884c7d659a2feaa0c55ad015", "aZ3kP9qL2mN8xR4tV7wY1b",
            "app.9f86d081884c7d65.js", "?q=1", "?a=b&c=d", "?x=a|b", "#top", "#a#b", "?", "#", "%20", "%zz", "%", " ", "  ",
            "a b", "|", "{", "}", "^", "`", "\\", "é", "日本", ";v=1", ":", "@", "!$&'()*+,=", "~", "_-", "%2F", "\t", "0",
    };

    private FixtureStrings() {}

    /** Every non-blank line of the text fixtures. */
    static Stream<String> fixtureLines() {
        return TEXT_FIXTURES.stream().flatMap(path -> Fixtures.lines("fixtures/" + path).stream());
    }

    /** Every URL, page and entry name in the browser fixtures. */
    static Stream<String> fixtureUrls() {
        List<String> urls = new ArrayList<>();
        for (String path : BROWSER_FIXTURES) {
            Matcher url = QUOTED_URL.matcher(Fixtures.text("fixtures/" + path));
            while (url.find()) {
                urls.add(url.group(1));
            }
        }
        return urls.stream();
    }

    static Stream<String> generatedMessages(int count) {
        return generated(count, MESSAGE_FRAGMENTS, 12, 1);
    }

    static Stream<String> generatedUrls(int count) {
        return generated(count, URL_FRAGMENTS, 9, 2);
    }

    /** Strings of up to {@code maxParts} fragments, a fixed seed per kind so a failure repeats. */
    private static Stream<String> generated(int count, String[] fragments, int maxParts, long seed) {
        Random random = new Random(seed);
        Supplier<String> next = () -> {
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(maxParts);
            for (int i = 0; i < parts; i++) {
                text.append(fragments[random.nextInt(fragments.length)]);
            }
            return text.toString();
        };
        return Stream.generate(next).limit(count);
    }
}
