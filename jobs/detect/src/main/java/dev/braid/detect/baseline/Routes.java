package dev.braid.detect.baseline;

import java.net.URI;

/**
 * Route templates of raw URLs, so that {@code /api/orders/1234?x=1} and {@code /api/orders/99}
 * are one endpoint: {@code /api/orders/{id}}. The host is kept; query and fragment are dropped.
 */
public final class Routes {

    private static final String PLAIN_PUNCTUATION = "-._~!$&'()*+,;=:@/?";

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
        Route plain = plainUrl(url.strip());
        return plain != null ? plain : parsed(url);
    }

    /**
     * The route of a URL of plain characters (ASCII letters, digits and the URI punctuation that
     * needs no escape), found by a scan with the host and raw path {@link URI} would give, or null
     * for any other URL (escapes, IPv6 hosts, other characters, an empty host, an opaque URI),
     * which {@link #parsed} leaves to URI. Most URLs are plain; parsing them with URI costs more than
     * the rest of the route together, and a key selector runs on both sides of a keyBy.
     */
    private static Route plainUrl(String url) {
        if (!isPlain(url)) {
            return null;
        }
        int at = 0;
        int colon = url.indexOf(':');
        if (colon >= 0 && colon < indexOfAny(url, 0, "/?#")) {
            if (!isScheme(url, colon) || !url.startsWith("/", colon + 1)) {
                return null;
            }
            at = colon + 1;
        }
        String host = "";
        if (url.startsWith("//", at)) {
            int hostEnd = indexOfAny(url, at + 2, "/?#");
            if (hostEnd == at + 2) {
                return null;
            }
            host = url.substring(at + 2, hostEnd);
            at = hostEnd;
        }
        return new Route(host, template(url.substring(at, indexOfAny(url, at, "?#"))));
    }

    /** Any URL: java.net.URI, and for what it cannot parse, everything before the query or fragment. */
    private static Route parsed(String url) {
        String host = "";
        String path = url;
        try {
            URI uri = URI.create(url.strip().replace(" ", "%20"));
            if (uri.getRawAuthority() != null) {
                host = uri.getRawAuthority();
            }
            path = uri.getRawPath() == null ? "" : uri.getRawPath();
        } catch (IllegalArgumentException notAUri) {
            path = url.substring(0, indexOfAny(url, 0, "?#"));
        }
        return new Route(host, template(path));
    }

    /** Only characters URI takes unescaped in every part of a URL, and at most one fragment. */
    private static boolean isPlain(String url) {
        boolean fragment = false;
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '#') {
                if (fragment) {
                    return false;
                }
                fragment = true;
            } else if (!(isDigit(c) || isLetter(c) || PLAIN_PUNCTUATION.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** A letter, then letters, digits, '+', '-' or '.', up to the colon. */
    private static boolean isScheme(String url, int colon) {
        if (colon == 0 || !isLetter(url.charAt(0))) {
            return false;
        }
        for (int i = 1; i < colon; i++) {
            char c = url.charAt(i);
            if (!(isLetter(c) || isDigit(c) || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
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

    /** The placeholder of a segment: one scan instead of a pattern per placeholder. */
    private static String placeholder(String segment) {
        int length = segment.length();
        boolean digitsOnly = length > 0;
        boolean hexOnly = true;
        boolean idCharsOnly = true;
        boolean anyDigit = false;
        boolean anyLetter = false;
        for (int i = 0; i < length; i++) {
            char c = segment.charAt(i);
            boolean digit = isDigit(c);
            boolean letter = isLetter(c);
            digitsOnly &= digit;
            hexOnly &= digit || isHexLetter(c);
            idCharsOnly &= digit || letter || c == '_' || c == '-';
            anyDigit |= digit;
            anyLetter |= letter;
        }
        if (digitsOnly) {
            return "{id}";
        }
        if (isUuid(segment)) {
            return "{uuid}";
        }
        if (hexOnly && length >= 16) {
            return "{hash}";
        }
        // Opaque ids and tokens: long, and mixing letters with digits.
        if (idCharsOnly && length >= 20 && anyDigit && anyLetter) {
            return "{token}";
        }
        return segment;
    }

    /** 8-4-4-4-12 hex digits. */
    private static boolean isUuid(String segment) {
        if (segment.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = segment.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !(isDigit(c) || isHexLetter(c))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexLetter(char c) {
        return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** The first index from {@code from} of any of the characters, or the length. */
    private static int indexOfAny(String text, int from, String chars) {
        for (int i = from; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }
}
