package dev.braid.cli.ingest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream at {@code '\n'} without decoding it: a record keeps the bytes the tool
 * wrote, and the normalize job decides whether they are valid UTF-8.
 */
final class LineReader {

    /** One line without its terminator; {@code length} counts the bytes it took in the stream. */
    record Line(byte[] text, int length, boolean complete) {}

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    LineReader(InputStream in) {
        this.in = new BufferedInputStream(in, 64 * 1024);
    }

    /** The next line, or null at the end of the stream; a last line without {@code '\n'} is not complete. */
    Line next() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return line(true);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line(false);
    }

    private Line line(boolean complete) {
        byte[] bytes = line.toByteArray();
        int length = bytes.length + (complete ? 1 : 0);
        // Windows line ends: the '\r' belongs to the terminator, not to the record.
        if (complete && bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            bytes = Arrays.copyOf(bytes, bytes.length - 1);
        }
        return new Line(bytes, length, complete);
    }
}
