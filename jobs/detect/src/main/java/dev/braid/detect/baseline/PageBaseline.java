package dev.braid.detect.baseline;

import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.WebVital;
import dev.braid.schema.baseline.PageVitals;

import java.util.HashMap;
import java.util.Locale;

/** Per page (host and route template): a series per Web Vital; a value rated poor is bad. */
final class PageBaseline implements Tracked<PageVitals> {

    private static final long serialVersionUID = 1L;

    private final Buckets buckets;

    PageBaseline(Buckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public Class<PageVitals> type() {
        return PageVitals.class;
    }

    @Override
    public String uid() {
        return BaselineState.PAGES_UID;
    }

    @Override
    public boolean selects(NormalizedEvent event) {
        return event.getPayload() instanceof WebVital vital && vital.getPage() != null;
    }

    @Override
    public String key(NormalizedEvent event) {
        return Routes.of(((WebVital) event.getPayload()).getPage()).page();
    }

    @Override
    public PageVitals update(PageVitals current, NormalizedEvent event) {
        WebVital vital = (WebVital) event.getPayload();
        PageVitals page = current != null ? current
                : PageVitals.newBuilder().setPage(key(event)).setVitals(new HashMap<>()).setLastEventId(event.getId()).build();
        String metric = vital.getName().toUpperCase(Locale.ROOT);
        Sketches.add(page.getVitals().computeIfAbsent(metric, m -> Sketches.emptySeries()), event.getEventTime(),
                vital.getValue(), "poor".equalsIgnoreCase(vital.getRating()), buckets.widthMillis(), buckets.count());
        page.setLastEventId(event.getId());
        return page;
    }
}
