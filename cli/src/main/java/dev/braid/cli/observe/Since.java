package dev.braid.cli.observe;

import dev.braid.cli.Durations;
import dev.braid.cli.UserError;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** {@code --since}: a duration ago, an ISO-8601 instant, or {@code all} (null: no bound). */
public final class Since {

    private Since() {}

    public static Instant parse(String text, Instant now) {
        if (text.equalsIgnoreCase("all")) {
            return null;
        }
        Duration ago = Durations.tryParse(text);
        if (ago != null) {
            return now.minus(ago);
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new UserError("--since " + text + ": give a duration ago (30s, 15m, 2h, 7d), an instant"
                    + " (2026-11-21T10:00:00Z) or 'all'");
        }
    }
}
