package dev.braid.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations on the command line: {@code 30s}, {@code 15m}, {@code 2h}, {@code 7d}. */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

    private Durations() {}

    /** The duration, or null when the text is not one. */
    public static Duration tryParse(String text) {
        Matcher matcher = SHORT.matcher(text.trim());
        if (!matcher.matches()) {
            return null;
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    public static Duration parse(String flag, String text) {
        Duration duration = tryParse(text);
        if (duration == null || duration.isZero()) {
            throw new UserError(flag + " " + text + ": give a duration such as 30s, 15m, 2h or 7d");
        }
        return duration;
    }
}
