package dev.braid.cli.ingest;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What Ctrl-C does while an ingest runs: the JVM's shutdown hook asks the ingest to stop, then
 * waits a grace time for it to flush, save its position and print its summary before the JVM exits.
 */
final class OnInterrupt {

    /** The ingest itself, run on the calling thread. */
    @FunctionalInterface
    interface Work {
        int run() throws IOException, InterruptedException;
    }

    private OnInterrupt() {}

    /** Runs {@code work}; an interrupt meanwhile calls {@code stop} and waits up to {@code grace} for the work to end. */
    static int run(Runnable stop, Duration grace, PrintWriter err, Work work) throws IOException, InterruptedException {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                stop.run();
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                err.println("braid: " + e.getMessage());
                err.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "braid-ingest-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.run();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is exiting and the hook runs; it was waiting for the countDown above.
            }
        }
    }
}
