package dev.braid.cli.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cli.UserError;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

/** The catalog file: its round trip, its refusals, and where it is by default. */
class CatalogTest {

    private static final Baseline HEALTHY = new Baseline("healthy", "file:/tmp/baselines/savepoint-1a2b3c-0123456789ab",
            "braid [NORMALIZE]", "0123456789abcdef0123456789abcdef", "0.1.0-SNAPSHOT", "a".repeat(40),
            Instant.parse("2026-01-31T12:00:00Z"), "green");

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsAnEmptyCatalogAndSavedEntriesComeBackAsTheyWere() {
        Path file = dir.resolve("savepoints/baselines.json");
        Catalog catalog = Catalog.load(file);
        assertThat(catalog.baselines()).isEmpty();

        Baseline noCommit = new Baseline("outside-git", "s3://bucket/savepoint-9", "braid [DETECT]", "f".repeat(32), "0.1.0",
                null, Instant.parse("2026-02-01T00:00:00Z"), null);
        catalog.add(HEALTHY, false);
        catalog.add(noCommit, false);
        catalog.save();

        assertThat(Catalog.load(file).baselines()).containsExactly(HEALTHY, noCommit);
        assertThat(dir.resolve("savepoints")).isDirectoryNotContaining("glob:**.tmp");
        assertThat(catalog.savepointDirectory()).isEqualTo(dir.resolve("savepoints/baselines").toUri());
        assertThat(noCommit.localSavepoint()).isEmpty();
        assertThat(HEALTHY.localSavepoint()).contains(Path.of("/tmp/baselines/savepoint-1a2b3c-0123456789ab"));
    }

    @Test
    void aNameIsTakenOnceUnlessReplacedInPlaceAndRemovingAnUnknownOneFails() {
        Catalog catalog = Catalog.load(dir.resolve("baselines.json"));
        catalog.add(HEALTHY, false);
        catalog.add(new Baseline("other", "file:/tmp/other", null, null, null, null, Instant.EPOCH, null), false);
        Baseline newer = new Baseline("healthy", "file:/tmp/newer", null, null, null, null, Instant.EPOCH, "newer");

        assertThatThrownBy(() -> catalog.add(newer, false)).isInstanceOf(UserError.class)
                .hasMessage("baseline healthy exists (saved 2026-01-31T12:00:00Z); pass --replace to overwrite it, or pick another name");
        assertThat(catalog.add(newer, true)).contains(HEALTHY);
        assertThat(catalog.baselines()).extracting(Baseline::name).containsExactly("healthy", "other");
        assertThat(catalog.remove("other").name()).isEqualTo("other");
        assertThatThrownBy(() -> catalog.remove("other")).isInstanceOf(UserError.class)
                .hasMessage("no baseline other in " + dir.resolve("baselines.json") + "; known: healthy");
    }

    @Test
    void aFileThatIsNotACatalogOfThisVersionIsRefusedNamingTheFile() throws Exception {
        Path file = dir.resolve("baselines.json");
        Files.writeString(file, "{\"version\":2,\"baselines\":[]}");
        assertThatThrownBy(() -> Catalog.load(file)).isInstanceOf(UserError.class)
                .hasMessage("catalog " + file + " has format version 2; this braid reads version 1");
        Files.writeString(file, "[]");
        assertThatThrownBy(() -> Catalog.load(file)).isInstanceOf(UserError.class).hasMessageStartingWith("catalog " + file + " is not");
        Files.writeString(file, "{\"version\":1,\"baselines\":[{\"name\":\"x\",\"time\":\"2026-01-31T12:00:00Z\"}]}");
        assertThatThrownBy(() -> Catalog.load(file)).isInstanceOf(UserError.class)
                .hasMessage("catalog " + file + ", baseline 1: 'savepoint' is missing");
    }

    @Test
    void theDefaultFileIsTheEnvironmentsElseUnderBraidHomeElseHere() {
        Properties home = new Properties();
        home.setProperty("braid.home", "/opt/braid");
        assertThat(Catalog.defaultFile(Map.of(Catalog.ENV, "/data/baselines.json"), home)).isEqualTo(Path.of("/data/baselines.json"));
        assertThat(Catalog.defaultFile(Map.of(), home)).isEqualTo(Path.of("/opt/braid/savepoints/baselines.json"));
        assertThat(Catalog.defaultFile(Map.of(), new Properties())).isEqualTo(Path.of("savepoints/baselines.json"));
    }
}
