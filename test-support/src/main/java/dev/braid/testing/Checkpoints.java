package dev.braid.testing;

import dev.braid.connectors.RetainedCheckpoints;

import java.nio.file.Path;

/** Finds retained checkpoints, to restart a cancelled job from where it stood. */
public final class Checkpoints {

    private Checkpoints() {}

    /** The newest completed checkpoint under the folder; a test without one fails. */
    public static Path latest(Path root) {
        return RetainedCheckpoints.newest(root).orElseThrow(() -> new AssertionError("no completed checkpoint under " + root));
    }
}
