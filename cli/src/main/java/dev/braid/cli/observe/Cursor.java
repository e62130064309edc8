package dev.braid.cli.observe;

import dev.braid.cli.UserError;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;

/**
 * Where the next page starts, as opaque URL-safe text the user passes back with {@code --cursor}:
 * a scope (what was observed) and the observing command's own position in it.
 */
final class Cursor {

    private Cursor() {}

    static String encode(String scope, String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((scope + "@" + position).getBytes(StandardCharsets.UTF_8));
    }

    /** The position {@code cursor} holds, read by {@code parse}; a cursor of another scope or not Braid's is a user error. */
    static <T> T decode(String cursor, String scope, Function<String, T> parse) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notACursor(cursor, e);
        }
        int at = text.lastIndexOf('@');
        if (at < 0) {
            throw notACursor(cursor, null);
        }
        if (!text.substring(0, at).equals(scope)) {
            throw new UserError("--cursor belongs to " + text.substring(0, at) + ", not " + scope
                    + ": pass it to the command that printed it");
        }
        try {
            return parse.apply(text.substring(at + 1));
        } catch (RuntimeException e) {
            throw notACursor(cursor, e);
        }
    }

    private static UserError notACursor(String cursor, Exception cause) {
        return new UserError("--cursor " + cursor + " is not a cursor Braid printed", cause);
    }
}
