package dev.braid.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads test fixtures from the class path, for example {@code fixtures/test/jest-report.json}. */
public final class Fixtures {

    private Fixtures() {}

    public static byte[] bytes(String path) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture on the class path at " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    /** The non-empty lines of a fixture. */
    public static List<String> lines(String path) {
        return text(path).lines().filter(line -> !line.isBlank()).toList();
    }
}
