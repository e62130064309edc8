package dev.braid.detect.baseline;

import dev.braid.schema.baseline.EndpointStats;
import dev.braid.schema.baseline.ErrorStats;
import dev.braid.schema.baseline.PageVitals;
import dev.braid.schema.baseline.TestStats;

import java.util.Map;

/** The baseline state of one savepoint, by key: what {@link BaselineReader} reads. */
public record BaselineSnapshot(
        Map<String, TestStats> tests,
        Map<String, EndpointStats> endpoints,
        Map<String, PageVitals> pages,
        Map<String, ErrorStats> errors) {

    public BaselineSnapshot {
        tests = Map.copyOf(tests);
        endpoints = Map.copyOf(endpoints);
        pages = Map.copyOf(pages);
        errors = Map.copyOf(errors);
    }
}
