package dev.braid.normalize.parse.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.braid.normalize.parse.Json;
import dev.braid.normalize.parse.ParseException;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.trace.v1.TracesData;

import java.util.Optional;

/**
 * Reads a record of the Collector's Kafka exporter into its message: protobuf ({@code otlp_proto},
 * the exporter's default) or OTLP/JSON ({@code otlp_json}), told apart per record by the opening
 * brace of JSON.
 */
final class OtlpPayloads {

    private OtlpPayloads() {}

    static TracesData traces(byte[] payload) throws ParseException {
        return read(payload, TracesData.getDefaultInstance());
    }

    static LogsData logs(byte[] payload) throws ParseException {
        return read(payload, LogsData.getDefaultInstance());
    }

    private static <M extends Message> M read(byte[] payload, M empty) throws ParseException {
        if (!opensLikeJson(payload)) {
            try {
                return protobuf(payload, empty);
            } catch (InvalidProtocolBufferException e) {
                throw ParseException.unparseable("not OTLP protobuf " + name(empty), e);
            }
        }
        JsonNode json;
        try {
            json = Json.parse(payload);
        } catch (ParseException notJson) {
            return protobufWithContent(payload, empty)
                    .orElseThrow(() -> ParseException.unparseable("not OTLP/JSON " + name(empty), notJson));
        }
        @SuppressWarnings("unchecked") // the builder of M builds an M
        M message = (M) OtlpJson.read(json, empty.newBuilderForType());
        return message;
    }

    /** Whether the first byte after white space is '{'. */
    static boolean opensLikeJson(byte[] payload) {
        for (byte b : payload) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{';
            }
        }
        return false;
    }

    /**
     * Protobuf that merely opens like JSON: field 1's tag is the byte of '\n', and a first resource
     * of 123 bytes has the length byte of '{'. Taken only when it holds known fields.
     */
    private static <M extends Message> Optional<M> protobufWithContent(byte[] payload, M empty) {
        try {
            M message = protobuf(payload, empty);
            return message.getAllFields().isEmpty() ? Optional.empty() : Optional.of(message);
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }

    private static <M extends Message> M protobuf(byte[] payload, M empty) throws InvalidProtocolBufferException {
        @SuppressWarnings("unchecked") // a message's parser parses messages of its own type
        M message = (M) empty.getParserForType().parseFrom(payload);
        return message;
    }

    private static String name(Message message) {
        return message.getDescriptorForType().getName();
    }
}
