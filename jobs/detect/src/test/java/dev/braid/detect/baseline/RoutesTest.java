package dev.braid.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.regex.Pattern;
import java.util.stream.Stream;

class RoutesTest {

    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{16,}");
    private static final Pattern TOKEN = Pattern.compile("(?=.*\\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{20,}");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://shop.example.com/api/orders/1234?expand=items | shop.example.com/api/orders/{id}",
            "https://shop.example.com/api/orders/99#top              | shop.example.com/api/orders/{id}",
            "http://localhost:3000/users/3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b/cart | localhost:3000/users/{uuid}/cart",
            "https://cdn.example.com/assets/app.9f86d081884c7d65.js   | cdn.example.com/assets/app.9f86d081884c7d65.js",
            "https://cdn.example.com/blobs/9f86d081884c7d659a2feaa0c55ad015 | cdn.example.com/blobs/{hash}",
            "https://api.example.com/share/aZ3kP9qL2mN8xR4tV7wY1b/view | api.example.com/share/{token}/view",
            "/api/checkout                                           | /api/checkout",
            "https://shop.example.com                                | shop.example.com/",
            "/search?q=a b                                           | /search",
    })
    void pagesAreTheHostAndTheRouteTemplate(String url, String page) {
        assertThat(Routes.of(url).page()).isEqualTo(page);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://shop.example.com/api/orders/1234 | shop.example.com | /api/orders/{id}",
            "/api/orders/1234                         |                  | /api/orders/{id}",
    })
    void endpointsSplitTheHostFromTheRoute(String url, String host, String route) {
        assertThat(Routes.of(url).host()).isEqualTo(host == null ? "" : host);
        assertThat(Routes.of(url).path()).isEqualTo(route);
    }

    @Test
    void everyFixtureAndGeneratedUrlGetsTheRouteOfTheUriParserAndTheSegmentPatterns() {
        Stream.concat(FixtureStrings.fixtureUrls(), FixtureStrings.generatedUrls(50_000)).forEach(url ->
                assertThat(Routes.of(url)).as(url).isEqualTo(reference(url)));
    }

    /** The route as first written: java.net.URI, then a pattern per placeholder on each path segment. */
    private static Routes.Route reference(String url) {
        String host = "";
        String path;
        try {
            URI uri = URI.create(url.strip().replace(" ", "%20"));
            if (uri.getRawAuthority() != null) {
                host = uri.getRawAuthority();
            }
            path = uri.getRawPath() == null ? "" : uri.getRawPath();
        } catch (IllegalArgumentException notAUri) {
            int query = url.indexOf('?');
            int fragment = url.indexOf('#');
            int cut = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
            path = cut < 0 ? url : url.substring(0, cut);
        }
        if (path.isEmpty()) {
            return new Routes.Route(host, "/");
        }
        StringBuilder route = new StringBuilder();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            route.append(i > 0 ? "/" : "").append(referencePlaceholder(segments[i]));
        }
        return new Routes.Route(host, route.toString());
    }

    private static String referencePlaceholder(String segment) {
        if (NUMBER.matcher(segment).matches()) {
            return "{id}";
        }
        if (UUID.matcher(segment).matches()) {
            return "{uuid}";
        }
        if (HASH.matcher(segment).matches()) {
            return "{hash}";
        }
        return TOKEN.matcher(segment).matches() ? "{token}" : segment;
    }
}
