package dev.braid.normalize.parse;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the timestamps tools write: ISO-8601 with or without zone, also as loggers loosen it
 * ({@code 2024-01-02 15:04:05,123 +0100}), epoch seconds or millis, Python's
 * {@code 2024-01-02 15:04:05,123}, Go's {@code 2024/01/02 15:04:05}. Times without a zone
 * are UTC; times without a date take the date of the Kafka timestamp.
 */
public final class Timestamps {

    private static final long DAY_MS = 24L * 60 * 60 * 1000;
    private static final long HALF_A_DAY_MS = DAY_MS / 2;

    private static final Pattern EPOCH_NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");
    private static final DateTimeFormatter PYTHON = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    private static final DateTimeFormatter GO_LOG = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss[.SSSSSS]");
    private static final DateTimeFormatter SPACE_ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");
    /** ISO-8601 as loggers loosen it: a space for {@code T}, a comma for the point, a space or no colon in the zone. */
    private static final Pattern LOOSE_ISO = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2})(?:[.,](\\d{1,9}))? ?(Z|[+-]\\d{2}(?::?\\d{2})?)?");

    private Timestamps() {}

    /** Epoch millis of the text, or {@link Drafts#NO_TIME} when it is not a timestamp. */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            return Drafts.NO_TIME;
        }
        String t = text.trim();
        if (EPOCH_NUMBER.matcher(t).matches()) {
            return fromEpochNumber(Double.parseDouble(t));
        }
        // The shapes loggers write almost always, read without a parse attempt that throws.
        long loose = looseIso(t);
        if (loose != Drafts.NO_TIME) {
            return loose;
        }
        return strictFormats(t);
    }

    /**
     * The JDK's parsers in turn, each failing by exception: ISO-8601's rarer forms, and the lenient
     * resolution of the logger formats (a 24:00 or a 30 February that the loose reading refuses).
     */
    private static long strictFormats(String t) {
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // not ISO with offset; try the others
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the next
        }
        for (DateTimeFormatter format : new DateTimeFormatter[] {
                DateTimeFormatter.ISO_LOCAL_DATE_TIME, PYTHON, GO_LOG, SPACE_ISO}) {
            try {
                return LocalDateTime.parse(t, format).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException ignored) {
                // try the next
            }
        }
        return Drafts.NO_TIME;
    }

    private static long looseIso(String text) {
        Matcher loose = LOOSE_ISO.matcher(text);
        if (!loose.matches()) {
            return Drafts.NO_TIME;
        }
        String fraction = loose.group(3) == null ? "" : "." + loose.group(3);
        String zone = loose.group(4) == null ? "Z" : zone(loose.group(4));
        try {
            return OffsetDateTime.parse(loose.group(1) + 'T' + loose.group(2) + fraction + zone)
                    .toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return Drafts.NO_TIME;
        }
    }

    /** {@code +0100} and {@code +01} as {@code +01:00}. */
    private static String zone(String zone) {
        if (zone.equals("Z") || zone.length() == 6) {
            return zone;
        }
        return zone.length() == 3 ? zone + ":00" : zone.substring(0, 3) + ':' + zone.substring(3);
    }

    /** Epoch seconds (zap, Python) or millis (pino, browsers) by magnitude. */
    public static long fromEpochNumber(double value) {
        return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
    }

    /**
     * A time of day ({@code 15:04:05.123}) on the UTC date that puts it nearest the fallback
     * timestamp, the record's shipping time: a line logged at 23:59 and shipped after midnight, or
     * one of last evening's shipped this morning, belongs to the day before. Taking the shipping
     * day put them up to a day ahead, where they pushed the watermarks of correlate and detect past
     * every other event.
     */
    public static long timeOfDay(String text, long fallbackMillis) {
        try {
            LocalTime time = LocalTime.parse(text.trim());
            LocalDate date = Instant.ofEpochMilli(fallbackMillis).atZone(ZoneOffset.UTC).toLocalDate();
            long sameDay = date.atTime(time).toInstant(ZoneOffset.UTC).toEpochMilli();
            if (sameDay - fallbackMillis > HALF_A_DAY_MS) {
                return sameDay - DAY_MS;
            }
            return fallbackMillis - sameDay > HALF_A_DAY_MS ? sameDay + DAY_MS : sameDay;
        } catch (DateTimeParseException e) {
            return Drafts.NO_TIME;
        }
    }
}
