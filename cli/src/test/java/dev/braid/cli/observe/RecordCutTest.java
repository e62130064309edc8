package dev.braid.cli.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** A record alone too large for its page is cut to fit, however its bulk is shaped. */
class RecordCutTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTRIBUTES = 500;
    private static final int ROOM = 4_000;

    @Test
    void aRecordThatFitsIsLeftAsItIs() {
        ObjectNode record = JSON.createObjectNode().put("id", "e1").put("message", "short");

        assertThat(RecordCut.fit(record, ROOM)).isSameAs(record);
    }

    /** A span's hundreds of attributes: no string is long and no list is, but the object is. */
    @Test
    void anObjectOfManyFieldsIsCutToFitAndSaysHowManyWereLeftOut() {
        ObjectNode record = JSON.createObjectNode().put("id", "e1").put("message", "cart: GET /api/cart 200 3.1 ms");
        ObjectNode metadata = record.putObject("metadata");
        for (int i = 0; i < ATTRIBUTES; i++) {
            metadata.put("attr.custom.key" + i, "value-" + "x".repeat(60) + i);
        }

        ObjectNode cut = RecordCut.fit(record, ROOM);

        assertThat(RecordCut.bytes(cut)).isLessThanOrEqualTo(ROOM);
        assertThat(cut.get("id").asText()).isEqualTo("e1");
        assertThat(cut.get("message").asText()).isEqualTo("cart: GET /api/cart 200 3.1 ms");
        assertThat(cut.get("metadata").get("…").asText()).endsWith("more fields cut to fit the page");
        assertThat(RecordCut.bytes(record)).as("the original is untouched").isGreaterThan(ATTRIBUTES * 60);
    }

    @Test
    void objectsInsideListsAreCutToo() {
        ObjectNode record = JSON.createObjectNode().put("id", "a1");
        ArrayNode evidence = record.putArray("evidence");
        for (int i = 0; i < 3; i++) {
            evidence.addObject().put("detail", "y".repeat(5_000));
        }

        ObjectNode cut = RecordCut.fit(record, ROOM);

        assertThat(RecordCut.bytes(cut)).isLessThanOrEqualTo(ROOM);
        assertThat(cut.get("evidence")).hasSize(3);
        assertThat(cut.get("evidence").get(0).get("detail").asText()).contains("chars cut]");
    }

    @Test
    void whatNoCutOfItsPartsCanFitKeepsItsTopLevelScalarsOnly() {
        ObjectNode record = JSON.createObjectNode().put("id", "e1").put("level", "ERROR").put("count", 3);
        ObjectNode nested = record.putObject("metadata");
        for (int i = 0; i < ATTRIBUTES; i++) {
            nested = nested.putObject("level" + i);
        }

        ObjectNode cut = RecordCut.fit(record, 200);

        assertThat(RecordCut.bytes(cut)).isLessThanOrEqualTo(200);
        assertThat(cut.get("id").asText()).isEqualTo("e1");
        assertThat(cut.get("count").asInt()).isEqualTo(3);
        assertThat(cut.get("metadata").asText()).isEqualTo("… cut to fit the page");
    }
}
