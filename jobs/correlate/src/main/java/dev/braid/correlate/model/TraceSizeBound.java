package dev.braid.correlate.model;

import dev.braid.schema.ChainLink;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.TraceEvent;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.IOException;
import java.io.OutputStream;
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
 *
 * <p>Not thread-safe: it reuses its Avro writers, so each operator instance holds its own.
 */
public final class TraceSizeBound implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxBytes;
    private transient Sizes sizes;

    public TraceSizeBound(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public CorrelatedTrace apply(CorrelatedTrace trace) {
        if (withinBound(trace)) {
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

        Sizes exact = sizes();
        CorrelatedTrace bounded = CorrelatedTrace.newBuilder(trace).setEvents(new ArrayList<>()).build();
        int budget = maxBytes - exact.of(bounded) - 16;
        Set<String> kept = new HashSet<>();
        for (TraceEvent event : byNearness) {
            int size = exact.of(event);
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

    /** Most traces are far below the bound, which an estimate shows without encoding them. */
    private boolean withinBound(CorrelatedTrace trace) {
        return EncodedSizes.atMost(trace.getSchema(), trace) <= maxBytes || sizes().of(trace) <= maxBytes;
    }

    private Sizes sizes() {
        if (sizes == null) {
            sizes = new Sizes();
        }
        return sizes;
    }

    /** Exact Avro binary sizes, counted as one reused encoder writes, never buffered whole. */
    private static final class Sizes {

        private final SpecificDatumWriter<CorrelatedTrace> traceWriter = new SpecificDatumWriter<>(CorrelatedTrace.class);
        private final SpecificDatumWriter<TraceEvent> eventWriter = new SpecificDatumWriter<>(TraceEvent.class);
        private final ByteCounter counter = new ByteCounter();
        private BinaryEncoder encoder;

        int of(CorrelatedTrace trace) {
            return size(trace, traceWriter);
        }

        int of(TraceEvent event) {
            return size(event, eventWriter);
        }

        private <T> int size(T record, SpecificDatumWriter<T> writer) {
            counter.count = 0;
            encoder = EncoderFactory.get().directBinaryEncoder(counter, encoder);
            try {
                writer.write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return counter.count;
        }
    }

    private static final class ByteCounter extends OutputStream {

        private int count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
        }
    }
}
