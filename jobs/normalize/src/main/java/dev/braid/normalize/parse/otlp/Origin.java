package dev.braid.normalize.parse.otlp;

import dev.braid.normalize.parse.ParseException;
import dev.braid.schema.NormalizedEvent;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What emitted a batch of spans or log records: the resource (the service, its host, its code) and
 * the instrumentation scope (the library). Every record under them carries their attributes, made
 * into metadata once and shared; for correlation the record's own attribute of a name wins over
 * the scope's, the scope's over the resource's.
 */
final class Origin {

    private static final String RESOURCE_PREFIX = "resource.";
    private static final String SCOPE_PREFIX = "scope.attr.";
    private static final String ATTRIBUTE_PREFIX = "attr.";

    private final String scopeName;
    private final Map<String, String> metadata = new HashMap<>();
    private final Map<String, String> inherited = new HashMap<>();
    private final long metadataChars;

    Origin(Resource resource, InstrumentationScope scope) {
        scopeName = scope.getName().isEmpty() ? null : scope.getName();
        OtlpValues.putAll(metadata, RESOURCE_PREFIX, resource.getAttributesList(), Set.of());
        putIfPresent(metadata, "scope.name", scope.getName());
        putIfPresent(metadata, "scope.version", scope.getVersion());
        OtlpValues.putAll(metadata, SCOPE_PREFIX, scope.getAttributesList(), Set.of());
        OtlpValues.putAll(inherited, "", resource.getAttributesList(), Set.of());
        OtlpValues.putAll(inherited, "", scope.getAttributesList(), Set.of());
        metadataChars = metadata.entrySet().stream().mapToLong(entry -> entry.getKey().length() + entry.getValue().length()).sum();
    }

    /** The library that instrumented the records; null when the sender left it empty. */
    String scopeName() {
        return scopeName;
    }

    /**
     * Metadata of the resource, the scope and the record's own attributes (but those the event
     * carries elsewhere), and the correlation keys of all three; the shared part is counted as
     * repeated once more.
     */
    void describe(NormalizedEvent.Builder draft, List<KeyValue> attributes, Set<String> carriedElsewhere, Repetition repetition)
            throws ParseException {
        repetition.add(metadataChars);
        draft.getMetadata().putAll(metadata);
        OtlpValues.putAll(draft.getMetadata(), ATTRIBUTE_PREFIX, attributes, carriedElsewhere);
        Map<String, String> merged = new HashMap<>(inherited);
        OtlpValues.putAll(merged, "", attributes, Set.of());
        CorrelationAttributes.apply(draft, merged);
    }

    private static void putIfPresent(Map<String, String> metadata, String key, String value) {
        if (!value.isEmpty()) {
            metadata.put(key, value);
        }
    }
}
