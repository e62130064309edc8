package dev.braid.cli.ingest;

import dev.braid.cli.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a command, echoes its output to the console so the developer still sees it, ships every line
 * as a record with the stream it came from, and last a line saying how the command ended.
 */
final class ProcessTee {

    private final List<String> command;
    private final Shipper shipper;
    private final byte[] key;
    private final Map<String, String> lineHeaders;
    private volatile Process process;

    /** {@code lineHeaders} go on each line of the command's output, not on the exit line, which is Braid's. */
    ProcessTee(List<String> command, Shipper shipper, byte[] key, Map<String, String> lineHeaders) {
        this.command = List.copyOf(command);
        this.shipper = shipper;
        this.key = key;
        this.lineHeaders = Map.copyOf(lineHeaders);
    }

    /**
     * The line shipped when the command ends. It opens with a level word, which the normalize job's
     * plain-text parser reads before any other word of the line (the command may well say "ERROR").
     */
    static String exitLine(List<String> command, int exitCode) {
        return (exitCode == 0 ? "INFO" : "ERROR") + " braid: '" + String.join(" ", command)
                + "' exited with code " + exitCode;
    }

    /** Runs the command to its end, its standard input being Braid's; returns its exit code. */
    int run(PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        process = start();
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            Future<?> stdout = readers.submit(() -> tee(process.getInputStream(), "stdout", out));
            Future<?> stderr = readers.submit(() -> tee(process.getErrorStream(), "stderr", err));
            int exitCode = process.waitFor();
            await(stdout);
            await(stderr);
            shipper.send(key, exitLine(command, exitCode).getBytes(StandardCharsets.UTF_8), Map.of());
            return exitCode;
        } finally {
            readers.shutdownNow();
        }
    }

    /** Ends the command when Braid alone is told to stop; {@link #run} then ships the exit line as usual. */
    void stop() {
        Process running = process;
        if (running != null) {
            // The command's own children (a shell's, npm's) would live on and keep its output open.
            running.descendants().forEach(ProcessHandle::destroy);
            running.destroy();
        }
    }

    private Process start() {
        try {
            return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UserError("--exec: " + e.getMessage(), e);
        }
    }

    private Void tee(InputStream output, String stream, PrintWriter console) throws IOException {
        Map<String, String> headers = new HashMap<>(lineHeaders);
        headers.put(BraidHeaders.STREAM, stream);
        LineReader lines = new LineReader(output);
        Shipper.Lines shipped = shipper.lines();
        LineReader.Line line;
        try {
            while ((line = lines.next()) != null) {
                // The console writer encodes with the platform charset, the one the command most likely wrote.
                console.println(new String(line.text(), Charset.defaultCharset()));
                console.flush();
                shipped.send(key, line.text(), headers);
            }
        } catch (IOException | RuntimeException e) {
            // Nobody drains this stream any more: the command would block on it, and run() with it.
            stop();
            throw e;
        }
        return null;
    }

    private static void await(Future<?> reader) throws IOException, InterruptedException {
        try {
            reader.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
