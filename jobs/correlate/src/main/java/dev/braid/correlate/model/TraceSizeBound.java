package dev.braid.correlate.model;

import dev.braid.schema.ChainLink;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.TraceEvent;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps a trace under a serialized size (25 KB by default) so a person or an LLM can take it in
 * one look. When it is larger, it keeps the first error, the events of the causal chain and then
 * the events nearest in time to the first error, and says how many it left out.
 */
public final class TraceSizeBound implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxBytes;

    public TraceSizeBound(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public CorrelatedTrace apply(CorrelatedTrace trace) {
        if (serializedSize(trace) <= maxBytes) {
            return trace;
        }
        List<TraceEvent> all = trace.getEvents();
        Set<String> must = new HashSet<>();
        if (trace.getFirstError() != null) {
            must.add(trace.getFirstError().getId());
        }
        for (ChainLink link : trace.getCausalChain()) {
            must.add(link.getRef());
        }
        long anchor = (trace.getFirstError() != null ? trace.getFirstError().getTime() : trace.getStart()).toEpochMilli();
        List<TraceEvent> byNearness = new ArrayList<>(all);
        byNearness.sort(Comparator.comparing((TraceEvent e) -> !must.contains(e.getId()))
                .thenComparingLong(e -> Math.abs(e.getTime().toEpochMilli() - anchor)));

        CorrelatedTrace bounded = CorrelatedTrace.newBuilder(trace).setEvents(new ArrayList<>()).build();
        int budget = maxBytes - serializedSize(bounded) - 16;
        Set<String> kept = new HashSet<>();
        for (TraceEvent event : byNearness) {
            int size = serializedSize(event);
            if (size <= budget || (must.contains(event.getId()) && kept.isEmpty())) {
                kept.add(event.getId());
                budget -= size;
            } else if (!must.contains(event.getId())) {
                break;
            }
        }
        List<TraceEvent> inOrder = all.stream().filter(e -> kept.contains(e.getId())).toList();
        bounded.setEvents(new ArrayList<>(inOrder));
        bounded.setEventsLeftOut(trace.getEventsLeftOut() + all.size() - inOrder.size());
        return bounded;
    }

    public static int serializedSize(CorrelatedTrace trace) {
        return size(trace, new SpecificDatumWriter<>(CorrelatedTrace.class));
    }

    private static int serializedSize(TraceEvent event) {
        return size(event, new SpecificDatumWriter<>(TraceEvent.class));
    }

    private static <T> int size(T record, SpecificDatumWriter<T> writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            writer.write(record, encoder);
            encoder.flush();
            return bytes.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
