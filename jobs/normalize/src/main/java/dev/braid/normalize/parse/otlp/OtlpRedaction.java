package dev.braid.normalize.parse.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.redact.Redactor;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.trace.v1.TracesData;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Masks the secrets of an OTLP record kept as a dead letter, in its own encoding. Masking the bytes
 * as text, as other records are, would miss an attribute named for a credential (OTLP writes it as
 * {@code key} and {@code value}, never {@code "api_key": "..."}) and would break protobuf's length
 * prefixes, so a record that could be replayed once the parser is fixed no longer could.
 *
 * <p>A record that is not OTLP of its signal, or whose protobuf holds fields this .proto does not
 * know (they could hold anything), is masked as text instead, like every other dead letter.
 */
final class OtlpRedaction {

    private static final String KEY = "key";
    private static final String VALUE = "value";
    private static final String STRING_VALUE = "stringValue";

    private final Redactor redactor;

    private OtlpRedaction(Redactor redactor) {
        this.redactor = redactor;
    }

    /** The payload with its secrets masked; the same array when it holds none. */
    static byte[] redact(String format, byte[] payload, Redactor redactor) {
        OtlpRedaction redaction = new OtlpRedaction(redactor);
        byte[] redacted;
        try {
            redacted = OtlpPayloads.opensLikeJson(payload)
                    ? redaction.json(payload)
                    : redaction.protobuf(payload, OtlpParsers.SPANS.equals(format) ? TracesData.getDefaultInstance() : LogsData.getDefaultInstance());
        } catch (RuntimeException oddInput) { // a dead letter is being kept: it must not fail the job instead
            redacted = null;
        }
        return redacted != null ? redacted : redactor.redact(payload);
    }

    /** The JSON with its secrets masked; null when it is not JSON. */
    private byte[] json(byte[] payload) {
        JsonNode tree;
        try {
            tree = Json.parse(payload);
        } catch (ParseException notJson) {
            return null;
        }
        JsonNode redacted = json(tree);
        if (redacted.equals(tree)) {
            return payload;
        }
        try {
            return Json.mapper().writeValueAsString(redacted).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException unwritable) { // a number Jackson read but cannot write back
            return null;
        }
    }

    private JsonNode json(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue();
            String redacted = redactor.redact(text);
            return redacted.equals(text) ? node : TextNode.valueOf(redacted);
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(item -> copy.add(json(item)));
            return copy;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        boolean secretAttribute = node.path(KEY).isTextual() && Redactor.namesSecret(node.path(KEY).textValue());
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            if (secretAttribute && name.equals(VALUE)) {
                copy.set(name, JsonNodeFactory.instance.objectNode().put(STRING_VALUE, Redactor.MASK));
            } else if (Redactor.namesSecret(name) && field.getValue().isValueNode()) {
                copy.put(name, Redactor.MASK);
            } else {
                copy.set(name, json(field.getValue()));
            }
        }
        return copy;
    }

    /** The protobuf with its secrets masked; null when it is not {@code empty}'s message, all known. */
    private byte[] protobuf(byte[] payload, Message empty) {
        Message message;
        try {
            message = empty.getParserForType().parseFrom(payload);
        } catch (InvalidProtocolBufferException notProtobuf) {
            return null;
        }
        if (message.getAllFields().isEmpty() || holdsUnknownFields(message)) {
            return null;
        }
        Message redacted = protobuf(message);
        return redacted.equals(message) ? payload : redacted.toByteArray();
    }

    private static boolean holdsUnknownFields(Message message) {
        if (!message.getUnknownFields().asMap().isEmpty()) {
            return true;
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (field.getKey().getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                List<?> values = field.getKey().isRepeated() ? (List<?>) field.getValue() : List.of(field.getValue());
                for (Object value : values) {
                    if (holdsUnknownFields((Message) value)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private Message protobuf(Message message) {
        if (message instanceof KeyValue attribute && Redactor.namesSecret(attribute.getKey())) {
            return attribute.toBuilder().setValue(AnyValue.newBuilder().setStringValue(Redactor.MASK)).build();
        }
        Message.Builder builder = message.toBuilder();
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            FieldDescriptor descriptor = field.getKey();
            if (descriptor.isRepeated()) {
                List<?> values = (List<?>) field.getValue();
                for (int i = 0; i < values.size(); i++) {
                    builder.setRepeatedField(descriptor, i, protobufValue(values.get(i)));
                }
            } else {
                builder.setField(descriptor, protobufValue(field.getValue()));
            }
        }
        return builder.build();
    }

    private Object protobufValue(Object value) {
        if (value instanceof String text) {
            return redactor.redact(text);
        }
        return value instanceof Message nested ? protobuf(nested) : value;
    }
}
