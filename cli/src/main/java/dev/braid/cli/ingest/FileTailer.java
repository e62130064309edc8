package dev.braid.cli.ingest;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows one file like {@code tail -F} and ships each complete line as one record.
 *
 * <p>A rotation (another file at the path, told by its file key) finishes the old file first, a
 * last line without newline included since nothing will complete it, then reads the new file from
 * its start. A file shorter than the position was truncated in place and is read again from its
 * start.
 *
 * <p>The position is saved only after the brokers acknowledged the lines before it, so a restart
 * after a crash resends only lines shipped since the last save. Their {@code braid.id},
 * {@code <path>:<file key>:<offset>}, lets the normalize job drop them; after the n-th truncation
 * the file key is followed by {@code ~n}, since offsets start over and new lines must not take the
 * ids of old ones.
 */
final class FileTailer {

    /** A long backlog is saved as it goes, so that a restart or Ctrl-C in the middle costs little. */
    private static final int LINES_PER_SAVE = 10_000;

    private final Path file;
    private final byte[] key;
    private final Shipper shipper;
    private final Shipper.Lines lines;
    private final TailState state;
    private final Duration pollInterval;
    private final Map<String, String> lineHeaders;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    /** The file being read: after a rotation still the old one until it is drained. */
    private FileChannel channel;
    private String fileKey;
    private int truncations;
    /** Offset of the next line to ship. */
    private long position;
    /** The state last saved, or read at the start. */
    private TailState.Position saved;
    /** Where in the file this run started: not 0 when it went on from the last run. */
    private long resumedAt;

    /** {@code lineHeaders} go on every line, next to its {@code braid.id}. */
    FileTailer(Path file, Shipper shipper, Path stateDir, Duration pollInterval, Map<String, String> lineHeaders) {
        this.file = file.toAbsolutePath().normalize();
        this.key = this.file.toString().getBytes(StandardCharsets.UTF_8);
        this.shipper = shipper;
        this.lines = shipper.lines();
        this.state = new TailState(stateDir, this.file);
        this.pollInterval = pollInterval;
        this.lineHeaders = Map.copyOf(lineHeaders);
    }

    long resumedAt() {
        return resumedAt;
    }

    /** Ships what is new every poll interval until {@link #stop()}; then returns with the state saved. */
    void follow() throws IOException, InterruptedException {
        try {
            do {
                poll();
            } while (!stopRequested.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            close();
        }
    }

    /** Ships the complete lines there are now and returns; a last line without newline waits for the next run. */
    void shipAvailable() throws IOException {
        try {
            poll();
        } finally {
            close();
        }
    }

    /** Makes {@link #follow()} return after its current poll; callable from any thread. */
    void stop() {
        stopRequested.countDown();
    }

    private void poll() throws IOException {
        if (channel == null) {
            if (!open()) {
                return;
            }
            resumeFromState();
        }
        if (channel.size() < position) {
            position = 0;
            truncations++;
        }
        shipLines(false);
        Optional<String> keyAtPath = keyOf(file);
        if (keyAtPath.isPresent() && !keyAtPath.get().equals(fileKey)) {
            // What the writer added to the old file since the last read comes before the new file.
            shipLines(true);
            FileChannel old = channel;
            if (open()) {
                old.close();
                position = 0;
                truncations = 0;
                shipLines(false);
            }
        }
        saveIfMoved();
    }

    /** Continues where the last run stopped when it read the same file; else at the file's start. */
    private void resumeFromState() {
        saved = state.load().orElse(null);
        boolean sameFile = saved != null && fileKey.equals(saved.fileKey());
        truncations = sameFile ? saved.truncations() : 0;
        position = sameFile ? saved.offset() : 0;
        resumedAt = position;
    }

    /** Opens the file now at the path; false when there is none, or it was replaced while opening. */
    private boolean open() throws IOException {
        Optional<String> before = keyOf(file);
        if (before.isEmpty()) {
            return false;
        }
        FileChannel opened;
        try {
            opened = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (!before.equals(keyOf(file))) {
            opened.close();
            return false;
        }
        channel = opened;
        fileKey = before.get();
        return true;
    }

    /**
     * Ships the lines from the position on: the complete ones, or, draining a rotated file, all of
     * them. Only a backlog that is not being drained gives way to {@link #stop()}.
     */
    private void shipLines(boolean drain) throws IOException {
        channel.position(position);
        LineReader lines = new LineReader(Channels.newInputStream(channel));
        LineReader.Line line;
        int sinceSave = 0;
        while ((line = lines.next()) != null && (line.complete() || drain)) {
            Map<String, String> headers = new HashMap<>(lineHeaders);
            headers.put(BraidHeaders.ID, recordId());
            this.lines.send(key, line.text(), headers);
            position += line.length();
            if (++sinceSave == LINES_PER_SAVE) {
                saveIfMoved();
                sinceSave = 0;
                if (!drain && stopRequested.getCount() == 0) {
                    return;
                }
            }
        }
    }

    private String recordId() {
        return file + ":" + fileKey + (truncations == 0 ? "" : "~" + truncations) + ":" + position;
    }

    /** Saves the position once the brokers have every line before it; a poll that moved nothing writes nothing. */
    private void saveIfMoved() {
        TailState.Position now = new TailState.Position(fileKey, truncations, position);
        if (!now.equals(saved)) {
            shipper.flush();
            state.save(now);
            saved = now;
        }
    }

    private void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /** The identity of the file at the path, which a rename or a new file changes; empty when there is none. */
    private static Optional<String> keyOf(Path file) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Object key = attributes.fileKey();
            // File systems without inodes have no key; the creation time tells files apart there.
            return Optional.of(key != null ? key.toString() : "created-" + attributes.creationTime().toMillis());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
