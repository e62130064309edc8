package dev.braid.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the Collector's OTLP/HTTP receiver, on a free port of 127.0.0.1: it answers every
 * export with success and keeps the last request body of each path.
 */
final class CapturingReceiver implements AutoCloseable {

    static final String TRACES_PATH = "/v1/traces";
    static final String LOGS_PATH = "/v1/logs";

    private static final String LOOPBACK = "127.0.0.1";
    private static final int OK = 200;
    private static final int NO_BODY = -1;

    private final HttpServer server;
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();

    CapturingReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        server.createContext("/", this::receive);
        server.start();
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            bodies.put(exchange.getRequestURI().getPath(), exchange.getRequestBody().readAllBytes());
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(OK, NO_BODY);
        }
    }

    String endpoint(String path) {
        return "http://" + LOOPBACK + ':' + server.getAddress().getPort() + path;
    }

    /** The body of the last request to the path; fails when none came. */
    byte[] body(String path) {
        byte[] body = bodies.get(path);
        if (body == null) {
            throw new IllegalStateException("no export reached " + path);
        }
        return body;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
