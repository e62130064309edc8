package dev.braid.cli.observe;

import dev.braid.schema.Alert;
import dev.braid.schema.ChainLink;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.SuspectCommit;
import dev.braid.schema.TraceEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.StringJoiner;

/** One-line-per-fact human renderings of Braid's output records. */
final class Render {

    private static final int MESSAGE_CHARS = 400;
    /** An event is one line of a listing, so that a page holds its 50 events; --json has the whole message. */
    private static final int EVENT_LINE_CHARS = 200;

    private Render() {}

    static String event(NormalizedEvent event) {
        CorrelationKeys keys = event.getKeys();
        StringJoiner where = new StringJoiner(" ");
        append(where, "service", keys.getService());
        append(where, "test", keys.getTestId());
        append(where, "job", keys.getJobId());
        append(where, "task", keys.getTaskId());
        append(where, "trace", event.getTraceId());
        return String.format("%s  %-7s %-5s %-22s %s%s", event.getEventTime(), lower(event.getSource()), event.getLevel(),
                event.getKind(), firstLine(event.getMessage()), where.length() == 0 ? "" : "  [" + where + "]");
    }

    static String traceHeader(CorrelatedTrace trace) {
        StringJoiner counts = new StringJoiner(", ");
        trace.getSourceCounts().forEach((source, count) -> counts.add(source + " " + count));
        return String.format("%s %s (version %d, closed by %s): %s → %s, %d events (%s)%s",
                trace.getKind() == dev.braid.schema.TraceKind.ERROR_BUNDLE ? "error bundle" : "trace",
                trace.getTraceId(), trace.getVersion(), lower(trace.getClosedBy()), trace.getStart(), trace.getEnd(),
                trace.getEvents().size() + trace.getEventsLeftOut(), counts,
                trace.getEventsLeftOut() > 0 ? ", " + trace.getEventsLeftOut() + " left out by the size bound" : "");
    }

    static String firstError(TraceEvent error) {
        return "first error: " + error.getTime() + " " + error.getSource() + " " + message(error.getMessage());
    }

    static String chainLink(ChainLink link) {
        return "  " + link.getRole() + ": " + message(link.getSummary()) + " (" + link.getRef() + ")";
    }

    static String suspect(SuspectCommit commit) {
        return "  " + shortSha(commit.getSha()) + " " + commit.getMessage().lines().findFirst().orElse("")
                + (commit.getAuthor() == null ? "" : " by " + commit.getAuthor()) + " (" + commit.getRepo() + " " + commit.getBranch()
                + ", " + commit.getTime() + ")";
    }

    static String traceEvent(TraceEvent event, Instant start) {
        StringJoiner where = new StringJoiner(" ");
        append(where, "service", event.getService());
        append(where, "test", event.getTestId());
        append(where, "commit", event.getCommit() == null ? null : shortSha(event.getCommit()));
        append(where, "status", event.getStatus() == null ? null : event.getStatus().toString());
        return String.format("  +%-9s %-7s %-5s %-22s %s%s", offset(start, event.getTime()), event.getSource(),
                event.getLevel(), event.getKind(), firstLine(event.getMessage()), where.length() == 0 ? "" : "  [" + where + "]");
    }

    static String alert(Alert alert) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("[%s r%d] %s %s/%s  key=%s  %s → %s%n", alert.getStatus(), alert.getRevision(),
                alert.getSeverity(), lower(alert.getFamily()).replace('_', '-'), alert.getRule(), alert.getKey(),
                alert.getFirstEventTime(), alert.getLastEventTime()));
        text.append("    ").append(message(alert.getMessage()));
        if (alert.getSuggestedAction() != null) {
            text.append(System.lineSeparator()).append("    action: ").append(message(alert.getSuggestedAction()));
        }
        if (!alert.getRelatedTraceIds().isEmpty()) {
            text.append(System.lineSeparator()).append("    traces: ").append(String.join(", ", alert.getRelatedTraceIds()));
        }
        text.append(System.lineSeparator()).append("    evidence: ").append(alert.getEvidenceEventIds().size())
                .append(" events, id ").append(alert.getId());
        return text.toString();
    }

    private static String offset(Instant start, Instant time) {
        Duration since = Duration.between(start, time);
        return String.format("%d.%03ds", since.toSeconds(), since.toMillisPart());
    }

    private static String message(String text) {
        return Page.cut(text.strip().replace("\r", "").replace("\n", " ⏎ "), MESSAGE_CHARS);
    }

    /** The first line of a message, cut to fit, and how many lines follow it (a stack trace, say). */
    private static String firstLine(String text) {
        String stripped = text.strip().replace("\r", "");
        int newline = stripped.indexOf('\n');
        if (newline < 0) {
            return Page.cut(stripped, EVENT_LINE_CHARS);
        }
        long more = stripped.substring(newline + 1).lines().count();
        return Page.cut(stripped.substring(0, newline), EVENT_LINE_CHARS) + " ⏎ (+" + more + (more == 1 ? " line)" : " lines)");
    }

    private static String shortSha(String sha) {
        return sha.length() > 10 ? sha.substring(0, 10) : sha;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase();
    }

    private static void append(StringJoiner where, String name, String value) {
        if (value != null) {
            where.add(name + "=" + value);
        }
    }
}
