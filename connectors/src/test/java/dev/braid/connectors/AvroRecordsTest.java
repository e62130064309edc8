package dev.braid.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

class AvroRecordsTest {

    @Test
    void recordsOfEachClassComeBackEqual() {
        NormalizedEvent event = event("e1");
        CorrelationKeys keys = CorrelationKeys.newBuilder().setRepo("acme/shop").setBranch("main").build();

        assertThat(AvroRecords.decode(AvroRecords.encode(event), NormalizedEvent.class)).isEqualTo(event);
        assertThat(AvroRecords.decode(AvroRecords.encode(keys), CorrelationKeys.class)).isEqualTo(keys);
    }

    @Test
    void threadsDecodingAtOnceEachGetTheirOwnRecords() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> decoded = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                NormalizedEvent event = event("e" + t);
                byte[] bytes = AvroRecords.encode(event);
                Callable<Boolean> decodeMany = () -> {
                    for (int i = 0; i < 2_000; i++) {
                        if (!AvroRecords.decode(bytes, NormalizedEvent.class).equals(event)) {
                            return false;
                        }
                    }
                    return true;
                };
                decoded.add(threads.submit(decodeMany));
            }
            for (Future<Boolean> thread : decoded) {
                assertThat(thread.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static NormalizedEvent event(String id) {
        return NormalizedEvent.newBuilder()
                .setId(id).setEventTime(Instant.ofEpochMilli(1)).setIngestTime(Instant.ofEpochMilli(2))
                .setSource(Source.BACKEND).setKind("log").setLevel(Level.ERROR).setMessage("order " + id + " not found")
                .setKeys(CorrelationKeys.newBuilder().setService("checkout").build())
                .setMetadata(new HashMap<>()).setTags(new ArrayList<>()).build();
    }
}
