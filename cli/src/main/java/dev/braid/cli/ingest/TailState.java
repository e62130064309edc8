package dev.braid.cli.ingest;

import dev.braid.cli.UserError;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the tail of one file stopped, kept across runs in a small file of its own under the state
 * directory, named from a hash of the tailed file's absolute path.
 */
final class TailState {

    /**
     * The file by its key (so a rotation while Braid was not running is noticed), how often it was
     * truncated in place, and the offset of the next line to ship.
     */
    record Position(String fileKey, int truncations, long offset) {}

    private static final String FILE = "file";
    private static final String FILE_KEY = "file-key";
    private static final String TRUNCATIONS = "truncations";
    private static final String OFFSET = "offset";

    private final Path tailed;
    private final Path stateFile;

    TailState(Path stateDir, Path tailed) {
        this.tailed = tailed;
        String name = Sha256.hex(tailed.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        this.stateFile = stateDir.resolve(name + ".properties");
    }

    Optional<Position> load() {
        if (!Files.exists(stateFile)) {
            return Optional.empty();
        }
        Properties saved = new Properties();
        try (Reader reader = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
            saved.load(reader);
            return Optional.of(new Position(saved.getProperty(FILE_KEY),
                    Integer.parseInt(saved.getProperty(TRUNCATIONS)), Long.parseLong(saved.getProperty(OFFSET))));
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("cannot read the tail state " + stateFile + " (" + e.getMessage()
                    + "): delete it to ship " + tailed + " from its start", e);
        }
    }

    /** Replaces the saved position in one step, so a crash leaves the old position or the new one. */
    void save(Position position) {
        Properties state = new Properties();
        state.setProperty(FILE, tailed.toString());
        state.setProperty(FILE_KEY, position.fileKey());
        state.setProperty(TRUNCATIONS, Integer.toString(position.truncations()));
        state.setProperty(OFFSET, Long.toString(position.offset()));
        try {
            Files.createDirectories(stateFile.getParent());
            Path next = stateFile.resolveSibling(stateFile.getFileName() + ".next");
            try (Writer writer = Files.newBufferedWriter(next, StandardCharsets.UTF_8)) {
                state.store(writer, "braid ingest --tail: the next line to ship");
            }
            Files.move(next, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserError("cannot save the tail state to " + stateFile + ": " + e.getMessage()
                    + " (choose another --state-dir)", e);
        }
    }
}
