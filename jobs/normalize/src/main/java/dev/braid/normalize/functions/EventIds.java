package dev.braid.normalize.functions;

import dev.braid.connectors.RawRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic event ids. A shipper that knows a stable identity of the record (file and offset,
 * webhook delivery id) sends it as the {@code braid.id} header; otherwise the id hashes the
 * source, key, Kafka timestamp and value, which a producer retry and a replay both keep the same.
 */
public final class EventIds {

    public static final String ID_HEADER = "braid.id";

    private EventIds() {}

    /** The id of the {@code index}-th event of a raw record (a test report holds many). */
    public static String of(RawRecord raw, int index) {
        MessageDigest sha = sha256();
        sha.update(raw.source.name().getBytes(StandardCharsets.UTF_8));
        String stableId = raw.headers.get(ID_HEADER);
        if (stableId != null) {
            sha.update((byte) 1);
            sha.update(stableId.getBytes(StandardCharsets.UTF_8));
        } else {
            sha.update((byte) 0);
            sha.update(raw.key == null ? new byte[0] : raw.key);
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(raw.timestamp).array());
            sha.update(raw.value == null ? new byte[0] : raw.value);
        }
        sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(index).array());
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
