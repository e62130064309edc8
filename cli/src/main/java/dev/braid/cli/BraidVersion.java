package dev.braid.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build of Braid, from a resource Maven fills in: the {@code ./braid} script
 * runs the classes folder, where a jar manifest's version would be missing.
 */
public final class BraidVersion implements IVersionProvider {

    private static final String RESOURCE = "version.properties";

    /** The Maven version of the build, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        try (InputStream in = BraidVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path next to " + BraidVersion.class.getName());
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"braid " + current()};
    }
}
