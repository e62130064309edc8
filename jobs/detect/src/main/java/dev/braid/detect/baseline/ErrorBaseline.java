package dev.braid.detect.baseline;

import dev.braid.detect.rules.EventFields;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.baseline.ErrorStats;

import java.util.Locale;

/**
 * Per error signature of a service: occurrences, first and last. Errors are backend and browser
 * events at ERROR or above; failed requests are the endpoints' business, failed tests the tests'.
 */
final class ErrorBaseline implements Tracked<ErrorStats> {

    private static final long serialVersionUID = 1L;
    private static final int MAX_EXAMPLE = 500;

    @Override
    public Class<ErrorStats> type() {
        return ErrorStats.class;
    }

    @Override
    public String uid() {
        return BaselineState.ERRORS_UID;
    }

    @Override
    public boolean selects(NormalizedEvent event) {
        return (event.getLevel() == Level.ERROR || event.getLevel() == Level.FATAL)
                && (event.getSource() == Source.BACKEND || event.getSource() == Source.BROWSER)
                && !event.getKind().startsWith("network.")
                && !event.getMessage().isBlank();
    }

    @Override
    public String key(NormalizedEvent event) {
        return service(event) + '|' + ErrorSignatures.of(event.getMessage());
    }

    @Override
    public ErrorStats update(ErrorStats current, NormalizedEvent event) {
        ErrorStats stats = current != null ? current : first(event);
        stats.setCount(stats.getCount() + 1);
        if (event.getEventTime().isBefore(stats.getFirstTime())) {
            stats.setFirstTime(event.getEventTime());
            stats.setFirstEventId(event.getId());
        }
        if (!event.getEventTime().isBefore(stats.getLastTime())) {
            stats.setLastTime(event.getEventTime());
            stats.setLastEventId(event.getId());
        }
        if (event.getTraceId() != null) {
            stats.setLastTraceId(event.getTraceId());
        }
        return stats;
    }

    private static ErrorStats first(NormalizedEvent event) {
        String message = event.getMessage().strip();
        return ErrorStats.newBuilder()
                .setSignature(ErrorSignatures.of(message))
                .setService(service(event))
                .setCount(0)
                .setFirstTime(event.getEventTime())
                .setLastTime(event.getEventTime())
                .setExample(message.length() <= MAX_EXAMPLE ? message : message.substring(0, MAX_EXAMPLE))
                .setFirstEventId(event.getId())
                .setLastEventId(event.getId())
                .build();
    }

    private static String service(NormalizedEvent event) {
        String service = EventFields.keys(event).getService();
        return service != null ? service : event.getSource().name().toLowerCase(Locale.ROOT);
    }
}
