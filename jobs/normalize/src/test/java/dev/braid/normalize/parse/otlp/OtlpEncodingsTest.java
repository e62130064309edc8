package dev.braid.normalize.parse.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.braid.normalize.parse.Json;
import dev.braid.schema.NormalizedEvent;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * OTLP/JSON as senders other than the SDK write it reads like the SDK's: the specification asks
 * receivers to take bare 64-bit integers, enum names and the .proto's snake_case field names too.
 * Each variant here is the SDK's own JSON, rewritten.
 */
class OtlpEncodingsTest {

    /** The fields OTLP/JSON writes as quoted 64-bit integers. */
    private static final Pattern SIXTY_FOUR_BIT_FIELD = Pattern.compile(".*UnixNano|intValue");
    private static final Set<String> LOG_TIMES = Set.of("timeUnixNano", "observedTimeUnixNano");
    private static final Pattern UPPER_CASE = Pattern.compile("[A-Z]");
    /** The byte of '{': the length of a first resource of 123 bytes, right after field 1's tag, '\n'. */
    private static final int BRACE_LENGTH = '{';
    private static final String WHITE_SPACE = " \r\n\t ";

    private static OtlpTelemetry.Checkout checkout;
    private static List<NormalizedEvent> spans;
    private static List<NormalizedEvent> logs;

    @BeforeAll
    static void recordACheckout() throws Exception {
        checkout = OtlpTelemetry.checkout();
        spans = OtlpEvents.spans(checkout.spans().protobuf());
        logs = OtlpEvents.logs(checkout.logs().protobuf());
    }

    @Test
    void theSdksJsonQuotesSixtyFourBitIntegersAndWritesEnumsAsNumbers() {
        assertThat(text(checkout.spans().json())).contains("\"startTimeUnixNano\":\"").contains("\"intValue\":\"500\"").contains("\"kind\":2");
    }

    @Test
    void bareSixtyFourBitIntegersReadLikeQuotedOnes() throws Exception {
        byte[] spansJson = rewritten(checkout.spans().json(), Rewrite.values(OtlpEncodingsTest::unquoted));
        byte[] logsJson = rewritten(checkout.logs().json(), Rewrite.values(OtlpEncodingsTest::unquoted));

        assertThat(text(spansJson)).contains("\"intValue\":500");
        assertThat(OtlpEvents.spans(spansJson)).isEqualTo(spans);
        assertThat(OtlpEvents.logs(logsJson)).isEqualTo(logs);
    }

    @Test
    void enumNamesReadLikeTheirNumbers() throws Exception {
        byte[] spansJson = rewritten(checkout.spans().json(), Rewrite.values(OtlpEncodingsTest::enumNames));
        byte[] logsJson = rewritten(checkout.logs().json(), Rewrite.values(OtlpEncodingsTest::enumNames));

        assertThat(text(spansJson)).contains("\"kind\":\"SPAN_KIND_SERVER\"", "\"code\":\"STATUS_CODE_ERROR\"");
        assertThat(text(logsJson)).contains("\"severityNumber\":\"SEVERITY_NUMBER_ERROR\"");
        assertThat(OtlpEvents.spans(spansJson)).isEqualTo(spans);
        assertThat(OtlpEvents.logs(logsJson)).isEqualTo(logs);
    }

    @Test
    void snakeCaseFieldNamesReadLikeLowerCamelCase() throws Exception {
        byte[] spansJson = rewritten(checkout.spans().json(), Rewrite.names(OtlpEncodingsTest::snakeCase));
        byte[] logsJson = rewritten(checkout.logs().json(), Rewrite.names(OtlpEncodingsTest::snakeCase));

        assertThat(text(spansJson)).contains("\"resource_spans\"", "\"trace_id\"", "\"start_time_unix_nano\"");
        assertThat(OtlpEvents.spans(spansJson)).isEqualTo(spans);
        assertThat(OtlpEvents.logs(logsJson)).isEqualTo(logs);
    }

    @Test
    void upperCaseHexIdsAndUnknownFieldsAndLeadingWhiteSpaceAreAccepted() throws Exception {
        byte[] json = rewritten(checkout.spans().json(), Rewrite.values((name, value) -> name.endsWith("Id") && value.isTextual()
                ? TextNode.valueOf(value.asText().toUpperCase(Locale.ROOT)) : value));
        ObjectNode tree = (ObjectNode) Json.parse(json);
        tree.put("aFieldOfALaterOtlpVersion", true);
        byte[] padded = (WHITE_SPACE + tree).getBytes(StandardCharsets.UTF_8);

        assertThat(OtlpEvents.spans(padded)).isEqualTo(spans);
    }

    @Test
    void aLogRecordWithoutAnyTimeLeavesTheEventTimeToTheKafkaTimestamp() throws Exception {
        byte[] timeless = rewritten(checkout.logs().json(), Rewrite.values((name, value) -> LOG_TIMES.contains(name) ? null : value));

        assertThat(OtlpParsers.parse(OtlpParsers.LOGS, timeless).drafts()).noneMatch(NormalizedEvent.Builder::hasEventTime);
    }

    /**
     * Protobuf can open like JSON: field 1's tag is the byte of '\n', and when the first resource is
     * 123 bytes long its length is the byte of '{'. Such a record is still read as protobuf.
     */
    @Test
    void protobufThatOpensLikeJsonIsStillReadAsProtobuf() throws Exception {
        ResourceLogs one = LogsData.parseFrom(checkout.logs().protobuf()).getResourceLogs(0);
        ResourceLogs bare = one.toBuilder().clearResource().setScopeLogs(0, one.getScopeLogs(0).toBuilder()
                .clearLogRecords().addLogRecords(one.getScopeLogs(0).getLogRecords(2))).build();
        String body = bare.getScopeLogs(0).getLogRecords(0).getBody().getStringValue();
        String padded = body + "!".repeat(BRACE_LENGTH - bare.getSerializedSize());
        ResourceLogs braced = bare.toBuilder().setScopeLogs(0, bare.getScopeLogs(0).toBuilder().setLogRecords(0,
                bare.getScopeLogs(0).getLogRecords(0).toBuilder().setBody(bare.getScopeLogs(0).getLogRecords(0).getBody()
                        .toBuilder().setStringValue(padded)))).build();
        byte[] payload = LogsData.newBuilder().addResourceLogs(braced).build().toByteArray();

        assertThat(OtlpPayloads.opensLikeJson(payload)).isTrue();
        assertThat(OtlpEvents.logs(payload)).extracting(NormalizedEvent::getMessage).containsExactly(padded);
    }

    /** A change to every member of an OTLP/JSON document: to its name, and to its value (null drops the member). */
    private record Rewrite(UnaryOperator<String> names, BiFunction<String, JsonNode, JsonNode> values) {

        static Rewrite values(BiFunction<String, JsonNode, JsonNode> values) {
            return new Rewrite(UnaryOperator.identity(), values);
        }

        static Rewrite names(UnaryOperator<String> names) {
            return new Rewrite(names, (name, value) -> value);
        }
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    private static byte[] rewritten(byte[] json, Rewrite rewrite) throws Exception {
        return rewrite(Json.parse(json), rewrite).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode rewrite(JsonNode node, Rewrite rewrite) {
        if (node.isArray()) {
            node.forEach(item -> rewrite(item, rewrite));
        } else if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>(object.properties());
            object.removeAll();
            for (Map.Entry<String, JsonNode> member : members) {
                JsonNode value = rewrite.values().apply(member.getKey(), rewrite(member.getValue(), rewrite));
                if (value != null) {
                    object.set(rewrite.names().apply(member.getKey()), value);
                }
            }
        }
        return node;
    }

    private static JsonNode unquoted(String name, JsonNode value) {
        return value.isTextual() && SIXTY_FOUR_BIT_FIELD.matcher(name).matches()
                ? Json.mapper().getNodeFactory().numberNode(new BigInteger(value.asText())) : value;
    }

    private static JsonNode enumNames(String name, JsonNode value) {
        if (!value.isInt()) {
            return value;
        }
        return switch (name) {
            case "kind" -> TextNode.valueOf(Span.SpanKind.forNumber(value.intValue()).name());
            case "code" -> TextNode.valueOf(Status.StatusCode.forNumber(value.intValue()).name());
            case "severityNumber" -> TextNode.valueOf(SeverityNumber.forNumber(value.intValue()).name());
            default -> value;
        };
    }

    private static String snakeCase(String name) {
        return UPPER_CASE.matcher(name).replaceAll(upper -> "_" + upper.group().toLowerCase(Locale.ROOT));
    }
}
