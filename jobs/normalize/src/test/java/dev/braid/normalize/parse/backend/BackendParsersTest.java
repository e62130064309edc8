package dev.braid.normalize.parse.backend;

import dev.braid.normalize.parse.FormatParser;
import dev.braid.normalize.parse.ParseException;
import dev.braid.normalize.parse.ParseInput;
import dev.braid.normalize.parse.SourceParser;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;

import static dev.braid.normalize.parse.SourceRecords.*;
import static org.assertj.core.api.Assertions.assertThat;

class BackendParsersTest {

    @Test
    void formatsAreTriedDockerThenContinuationThenJsonThenTextWithPlainLast() {
        assertThat(BackendParsers.all()).extracting(FormatParser::format).containsExactly(
                "docker", "continuation", "pino", "zap", "slog-json", "structlog-json", "json",
                "logback", "python-logging", "structlog", "slog-text", "go-log", "plain");
    }

    @Test
    void theBackendSourceParserSurvivesJavaSerializationAsFlinkShipsIt() throws IOException, ClassNotFoundException, ParseException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new SourceParser(BackendParsers.all()));
        }
        SourceParser copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (SourceParser) in.readObject();
        }

        assertThat(copy.parse(new ParseInput(
                "{\"log\":\"WARN disk\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-21T16:58:02Z\"}", Map.of(), KAFKA_TIME)))
                .singleElement().satisfies(event -> assertThat(logLine(event).getStream()).isEqualTo("stderr"));
    }
}
