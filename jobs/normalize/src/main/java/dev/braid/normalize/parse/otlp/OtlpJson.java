package dev.braid.normalize.parse.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.braid.normalize.parse.ParseException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads OTLP/JSON into the protobuf message classes, walking their descriptors. OTLP/JSON is not
 * protobuf's JSON mapping, so protobuf's own JSON reader cannot take it: trace and span ids are
 * hex, not base64. As the specification asks of receivers, it takes what senders are known to
 * write: 64-bit integers quoted or bare, enums as numbers or names, field names in lowerCamelCase
 * or as the .proto spells them; fields it does not know are skipped.
 */
final class OtlpJson {

    /** The bytes fields OTLP/JSON writes as hex; every other bytes field is base64. */
    private static final Set<String> HEX_FIELDS = Set.of("trace_id", "span_id", "parent_span_id");

    private static final Bounds INT32 = new Bounds(Integer.MIN_VALUE, Integer.MAX_VALUE);
    private static final Bounds UINT32 = new Bounds(0, 0xFFFF_FFFFL);
    private static final Bounds INT64 = new Bounds(Long.MIN_VALUE, Long.MAX_VALUE);
    private static final Bounds UINT64 = new Bounds(BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));

    /** A 64-bit integer in decimal, as OTLP/JSON quotes it; longer ones are out of range anyway. */
    private static final Pattern DECIMAL_INTEGER = Pattern.compile("[-+]?\\d{1,20}");

    private static final int MAX_EXCERPT = 40;

    /** The values an integer field can hold; unsigned ones keep their bits in Java's signed types. */
    private record Bounds(BigInteger min, BigInteger max) {
        Bounds(long min, long max) {
            this(BigInteger.valueOf(min), BigInteger.valueOf(max));
        }

        boolean contains(BigInteger value) {
            return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
        }
    }

    private OtlpJson() {}

    /** The message that {@code json}, a parsed OTLP/JSON payload, holds. */
    static Message read(JsonNode json, Message.Builder into) throws ParseException {
        if (!json.isObject()) {
            throw ParseException.schemaViolation("OTLP/JSON payload must be an object, found " + describe(json));
        }
        merge(json, into, "");
        return into.build();
    }

    private static void merge(JsonNode object, Message.Builder builder, String path) throws ParseException {
        Descriptor type = builder.getDescriptorForType();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            FieldDescriptor field = field(type, member.getKey());
            if (field != null && !member.getValue().isNull()) {
                set(builder, field, member.getValue(), path.isEmpty() ? member.getKey() : path + '.' + member.getKey());
            }
        }
    }

    /** The field a JSON member names, by its lowerCamelCase JSON name or its .proto name; null for an unknown one. */
    private static FieldDescriptor field(Descriptor type, String name) {
        FieldDescriptor byProtoName = type.findFieldByName(name);
        if (byProtoName != null) {
            return byProtoName;
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJsonName().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static void set(Message.Builder builder, FieldDescriptor field, JsonNode value, String path) throws ParseException {
        if (!field.isRepeated()) {
            builder.setField(field, value(builder, field, value, path));
            return;
        }
        if (!value.isArray()) {
            throw wrongType(path, "an array", value);
        }
        for (int i = 0; i < value.size(); i++) {
            builder.addRepeatedField(field, value(builder, field, value.get(i), path + '[' + i + ']'));
        }
    }

    private static Object value(Message.Builder parent, FieldDescriptor field, JsonNode node, String path) throws ParseException {
        return switch (field.getType()) {
            case MESSAGE, GROUP -> message(parent.newBuilderForField(field), node, path);
            case ENUM -> enumValue(field.getEnumType(), node, path);
            case BYTES -> bytes(HEX_FIELDS.contains(field.getName()), node, path);
            case STRING -> string(node, path);
            case BOOL -> bool(node, path);
            case INT32, SINT32, SFIXED32 -> (int) integer(node, path, INT32);
            case UINT32, FIXED32 -> (int) integer(node, path, UINT32);
            case INT64, SINT64, SFIXED64 -> integer(node, path, INT64);
            case UINT64, FIXED64 -> integer(node, path, UINT64);
            case FLOAT -> (float) floating(node, path);
            case DOUBLE -> floating(node, path);
        };
    }

    private static Message message(Message.Builder builder, JsonNode node, String path) throws ParseException {
        if (!node.isObject()) {
            throw wrongType(path, "an object", node);
        }
        merge(node, builder, path);
        return builder.build();
    }

    /** An enum by name, or by number (a number the .proto does not list yet is kept, as protobuf keeps it). */
    private static EnumValueDescriptor enumValue(EnumDescriptor type, JsonNode node, String path) throws ParseException {
        EnumValueDescriptor named = node.isTextual() ? type.findValueByName(node.asText()) : null;
        if (named != null) {
            return named;
        }
        BigInteger number = integral(node);
        if (number == null || !INT32.contains(number)) {
            throw wrongType(path, "a number or a value name of " + type.getName(), node);
        }
        return type.findValueByNumberCreatingIfUnknown(number.intValue());
    }

    private static ByteString bytes(boolean hex, JsonNode node, String path) throws ParseException {
        String text = string(node, path);
        try {
            return ByteString.copyFrom(hex ? HexFormat.of().parseHex(text) : base64(text));
        } catch (IllegalArgumentException e) {
            throw ParseException.schemaViolation("OTLP/JSON " + path + " must be " + (hex ? "hex" : "base64")
                    + ", found " + describe(node));
        }
    }

    /** Protobuf's JSON takes base64 in either alphabet, padded or not. */
    private static byte[] base64(String text) {
        boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
        return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
    }

    private static String string(JsonNode node, String path) throws ParseException {
        if (!node.isTextual()) {
            throw wrongType(path, "a string", node);
        }
        return node.asText();
    }

    private static boolean bool(JsonNode node, String path) throws ParseException {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
            return Boolean.parseBoolean(node.asText());
        }
        throw wrongType(path, "true or false", node);
    }

    private static long integer(JsonNode node, String path, Bounds bounds) throws ParseException {
        BigInteger value = integral(node);
        if (value == null || !bounds.contains(value)) {
            throw wrongType(path, "an integer from " + bounds.min() + " to " + bounds.max(), node);
        }
        return value.longValue();
    }

    /**
     * A whole number: a JSON integer, a JSON number with a fraction or exponent that is whole (5.0,
     * 1e3), or, as OTLP/JSON writes 64-bit ones, a string of decimal digits; else null. Strings in
     * other notations are refused: BigDecimal would expand "1e999999999" to a billion digits.
     */
    private static BigInteger integral(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue();
        }
        if (node.isNumber()) {
            double value = node.doubleValue();
            return Double.isFinite(value) && value == Math.rint(value) ? BigDecimal.valueOf(value).toBigInteger() : null;
        }
        if (node.isTextual() && DECIMAL_INTEGER.matcher(node.asText()).matches()) {
            return new BigInteger(node.asText());
        }
        return null;
    }

    /** A number, or a string holding one, including protobuf's "NaN", "Infinity" and "-Infinity". */
    private static double floating(JsonNode node, String path) throws ParseException {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.asText().trim());
            } catch (NumberFormatException e) {
                throw wrongType(path, "a number", node);
            }
        }
        throw wrongType(path, "a number", node);
    }

    private static ParseException wrongType(String path, String expected, JsonNode found) {
        return ParseException.schemaViolation("OTLP/JSON " + path + " must be " + expected + ", found " + describe(found));
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        String shown = text.length() > MAX_EXCERPT ? text.substring(0, MAX_EXCERPT) + "..." : text;
        return node.getNodeType().toString().toLowerCase(Locale.ROOT) + " " + shown;
    }
}
