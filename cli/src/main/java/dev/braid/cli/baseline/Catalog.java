package dev.braid.cli.baseline;

import dev.braid.cli.UserError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The baselines catalog, a JSON file {@code {"version":1,"baselines":[…]}} mapping names to
 * savepoints ({@code savepoints/README.md} documents it). Changes are kept in memory until
 * {@link #save()}, which replaces the file in one atomic move, so a reader never sees half of it.
 */
public final class Catalog {

    /** The version of the file's format this class reads and writes. */
    public static final int FORMAT_VERSION = 1;

    /** The environment variable naming the catalog file. */
    public static final String ENV = "BRAID_CATALOG";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<Baseline> baselines;

    private Catalog(Path file, List<Baseline> baselines) {
        this.file = file;
        this.baselines = new ArrayList<>(baselines);
    }

    /**
     * Where the catalog is when no flag names it: {@code $BRAID_CATALOG}, else
     * {@code savepoints/baselines.json} under the system property {@code braid.home} (the checkout
     * the {@code ./braid} script runs from), else under the current directory.
     */
    public static Path defaultFile(Map<String, String> env, Properties system) {
        String named = env.get(ENV);
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        return Path.of(system.getProperty("braid.home", "")).resolve("savepoints").resolve("baselines.json");
    }

    /** The catalog in {@code file}; an empty one when the file does not exist yet. */
    public static Catalog load(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            return new Catalog(file, List.of());
        } catch (IOException e) {
            throw new UserError("cannot read catalog " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("baselines").isArray()) {
            throw new UserError("catalog " + file + " is not a baselines catalog: expected {\"version\":1,\"baselines\":[...]}");
        }
        int version = root.path("version").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new UserError("catalog " + file + " has format version " + root.path("version")
                    + "; this braid reads version " + FORMAT_VERSION);
        }
        List<Baseline> baselines = new ArrayList<>();
        for (JsonNode entry : root.path("baselines")) {
            baselines.add(Baseline.fromJson(entry, file, baselines.size()));
        }
        return new Catalog(file, baselines);
    }

    public Path file() {
        return file;
    }

    /** The baselines in the order they were saved. */
    public List<Baseline> baselines() {
        return Collections.unmodifiableList(baselines);
    }

    public Optional<Baseline> find(String name) {
        return baselines.stream().filter(baseline -> baseline.name().equals(name)).findFirst();
    }

    /** The baseline of that name; a user error naming the known ones if there is none. */
    public Baseline get(String name) {
        return find(name).orElseThrow(() -> new UserError("no baseline " + name + " in " + file + "; "
                + (baselines.isEmpty() ? "there are none yet" : "known: " + names())));
    }

    /** Fails with a user error if a baseline of that name exists. */
    public void requireNew(String name) {
        find(name).ifPresent(existing -> {
            throw new UserError("baseline " + name + " exists (saved " + existing.time()
                    + "); pass --replace to overwrite it, or pick another name");
        });
    }

    /**
     * Adds a baseline. One of the same name is refused unless {@code replace}, and then replaced in
     * place.
     *
     * @return the baseline it replaced
     */
    public Optional<Baseline> add(Baseline baseline, boolean replace) {
        if (!replace) {
            requireNew(baseline.name());
        }
        Optional<Baseline> existing = find(baseline.name());
        existing.ifPresentOrElse(old -> baselines.set(baselines.indexOf(old), baseline), () -> baselines.add(baseline));
        return existing;
    }

    /** Removes the baseline of that name and returns it; a user error if there is none. */
    public Baseline remove(String name) {
        Baseline baseline = get(name);
        baselines.remove(baseline);
        return baseline;
    }

    /** Writes the catalog: to a temporary file beside it, then moved over it atomically. */
    public void save() {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n");
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UserError("cannot write catalog " + file + ": " + e.getMessage(), e);
        }
    }

    /** The catalog as its file holds it. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", FORMAT_VERSION);
        ArrayNode entries = root.putArray("baselines");
        baselines.forEach(baseline -> entries.add(baseline.toJson()));
        return root;
    }

    /** The default target of baseline savepoints: the folder {@code baselines/} beside the catalog. */
    public URI savepointDirectory() {
        return file.toAbsolutePath().resolveSibling("baselines").toUri();
    }

    private String names() {
        return baselines.stream().map(Baseline::name).collect(Collectors.joining(", "));
    }
}
