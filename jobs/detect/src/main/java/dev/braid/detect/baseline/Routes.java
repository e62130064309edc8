package dev.braid.detect.baseline;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Route templates of raw URLs, so that {@code /api/orders/1234?x=1} and {@code /api/orders/99}
 * are one endpoint: {@code /api/orders/{id}}. The host is kept; query and fragment are dropped.
 */
public final class Routes {

    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{16,}");
    /** Opaque ids and tokens: long, and mixing letters with digits. */
    private static final Pattern TOKEN = Pattern.compile("(?=.*\\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{20,}");

    private Routes() {}

    /** A URL's host (empty for a relative URL) and path template. */
    public record Route(String host, String path) {

        /** {@code host/path/template}; a relative URL gives just the path template. */
        public String page() {
            return host + path;
        }
    }

    /** Parses the URL once: ids, numbers, hashes and tokens in its path become placeholders. */
    public static Route of(String url) {
        String host = "";
        String path = url;
        try {
            URI uri = URI.create(url.strip().replace(" ", "%20"));
            if (uri.getRawAuthority() != null) {
                host = uri.getRawAuthority();
            }
            path = uri.getRawPath() == null ? "" : uri.getRawPath();
        } catch (IllegalArgumentException notAUri) {
            int cut = indexOfAny(url, '?', '#');
            path = cut < 0 ? url : url.substring(0, cut);
        }
        return new Route(host, template(path));
    }

    private static String template(String path) {
        if (path.isEmpty()) {
            return "/";
        }
        String[] segments = path.split("/", -1);
        StringBuilder route = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                route.append('/');
            }
            route.append(placeholder(segments[i]));
        }
        return route.toString();
    }

    private static String placeholder(String segment) {
        if (NUMBER.matcher(segment).matches()) {
            return "{id}";
        }
        if (UUID.matcher(segment).matches()) {
            return "{uuid}";
        }
        if (HASH.matcher(segment).matches()) {
            return "{hash}";
        }
        if (TOKEN.matcher(segment).matches()) {
            return "{token}";
        }
        return segment;
    }

    private static int indexOfAny(String text, char a, char b) {
        int first = text.indexOf(a);
        int second = text.indexOf(b);
        return first < 0 ? second : second < 0 ? first : Math.min(first, second);
    }
}
