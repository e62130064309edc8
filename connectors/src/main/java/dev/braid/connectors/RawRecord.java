package dev.braid.connectors;

import dev.braid.schema.Source;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A raw Kafka record exactly as a tool produced it, with where it came from. A Flink POJO (public
 * fields, no-arg constructor) so it is serialized without Kryo.
 */
public class RawRecord {

    /** Source family of the raw topic the record was read from. */
    public Source source;

    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp in epoch millis; the event time of records that carry none. */
    public long timestamp;
    /** May be null. */
    public byte[] key;
    /** May be null (a tombstone). */
    public byte[] value;
    /** Kafka headers decoded as UTF-8, for example {@code braid.format} or {@code braid.commit}. */
    public Map<String, String> headers = new HashMap<>();

    public RawRecord() {}

    public RawRecord(
            Source source,
            String topic,
            int partition,
            long offset,
            long timestamp,
            byte[] key,
            byte[] value,
            Map<String, String> headers) {
        this.source = source;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.headers = new HashMap<>(headers);
    }


    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RawRecord)) {
            return false;
        }
        RawRecord that = (RawRecord) o;
        return partition == that.partition
                && offset == that.offset
                && timestamp == that.timestamp
                && source == that.source
                && Objects.equals(topic, that.topic)
                && Arrays.equals(key, that.key)
                && Arrays.equals(value, that.value)
                && Objects.equals(headers, that.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return "RawRecord{" + topic + '-' + partition + '@' + offset + '}';
    }
}
