package dev.braid.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback between clients and one server, with the network faults a fault test
 * injects: added latency, every connection cut, a stall that keeps connections open and moves no
 * byte, and a bandwidth limit. Bytes are forwarded as they are, so it works for any protocol.
 */
public final class TcpProxy implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final ServerSocket listener;
    private volatile InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile long latencyMillis;
    private volatile long bytesPerSecond;
    private volatile boolean stalled;
    private volatile boolean closed;

    private TcpProxy(ServerSocket listener) {
        this.listener = listener;
    }

    /**
     * Listens on a free port of loopback; connections are refused until {@link #forwardTo} names
     * the target. Its port is taken from the start, so a server told to advertise it cannot race
     * for it.
     */
    public static TcpProxy start() throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TcpProxy proxy = new TcpProxy(listener);
        daemon("tcp-proxy-accept-" + listener.getLocalPort(), proxy::accept);
        return proxy;
    }

    public void forwardTo(String host, int port) {
        target = new InetSocketAddress(host, port);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Every chunk waits this long before it is forwarded; zero for none. */
    public void latency(Duration latency) {
        latencyMillis = latency.toMillis();
    }

    /** Forwards at most this many bytes per second in each direction of each connection; zero for no limit. */
    public void throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** While stalled, connections stay open and no byte moves, as across a network partition. */
    public void stall(boolean stalled) {
        this.stalled = stalled;
        synchronized (this) {
            notifyAll();
        }
    }

    /** Closes every open connection at once, as a broker crash or a reset would; new ones are accepted. */
    public void cutAll() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        closed = true;
        stall(false);
        closeQuietly(listener);
        cutAll();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                InetSocketAddress to = target;
                try {
                    if (to == null) {
                        throw new IOException("no target yet");
                    }
                    server.connect(to, 5_000);
                } catch (IOException unreachable) {
                    closeQuietly(client);
                    closeQuietly(server);
                    continue;
                }
                sockets.add(client);
                sockets.add(server);
                if (closed) {
                    closeQuietly(client);
                    closeQuietly(server);
                    return;
                }
                daemon("tcp-proxy-up", () -> pump(client, server));
                daemon("tcp-proxy-down", () -> pump(server, client));
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                holdWhileStalled();
                long latency = latencyMillis;
                if (latency > 0) {
                    Thread.sleep(latency);
                }
                long rate = bytesPerSecond;
                if (rate > 0) {
                    Thread.sleep(read * 1000L / rate);
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the connection ended, or was cut: the other direction ends with it
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private synchronized void holdWhileStalled() throws InterruptedException {
        while (stalled && !closed) {
            wait();
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
