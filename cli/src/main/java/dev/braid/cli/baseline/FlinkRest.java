package dev.braid.cli.baseline;

import dev.braid.cli.Failures;
import dev.braid.cli.UserError;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The few calls of a Flink cluster's REST API that Braid needs: the jobs, savepoints of a running
 * job, and submitting job jars. Every failure is a {@link UserError} of one line: an unreachable
 * address, Flink's refusal, or the root cause of a savepoint or a job that failed.
 *
 * <p>Flink writes the savepoint itself, so its target directory must be one the cluster can write:
 * any path for the local Flink of {@code braid run}, a shared file system (such as {@code s3://})
 * for a remote cluster.
 */
public final class FlinkRest {

    /** A job as Flink's overview lists it; {@code state} is Flink's, e.g. {@code RUNNING}. */
    public record Job(String id, String name, String state) {

        boolean running() {
            return "RUNNING".equals(state);
        }

        @Override
        public String toString() {
            return id + " (" + name + ")";
        }
    }

    /** A completed savepoint: where Flink wrote it (as Flink names it, e.g. {@code file:/…}), of which job. */
    public record Savepoint(String location, Job job) {}

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Pattern QUALIFIED_CLASS = Pattern.compile("^(?:[a-z_$][\\w$]*\\.)+([A-Z][\\w$]*)(?=:|$)");

    private final URI url;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /** A client of the REST API at {@code url}, e.g. {@code http://localhost:8081}. */
    public FlinkRest(URI url) {
        if (url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new UserError(url + " is not the URL of a Flink REST API; give one such as http://localhost:8081");
        }
        this.url = url;
        // HTTP/1.1: Flink's REST endpoint does not speak HTTP/2.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    public URI url() {
        return url;
    }

    /** Every job the cluster knows, running or not ({@code GET /jobs/overview}). */
    public List<Job> jobs() throws InterruptedException {
        JsonNode overview = send(HttpRequest.newBuilder(endpoint("/jobs/overview")).GET(), "listing the jobs at " + url);
        List<Job> jobs = new ArrayList<>();
        for (JsonNode job : overview.path("jobs")) {
            jobs.add(new Job(job.path("jid").asText(), job.path("name").asText(), job.path("state").asText()));
        }
        return jobs;
    }

    /** A job's checkpoint statistics ({@code GET /jobs/ID/checkpoints}): the counts, and the newest completed one. */
    public JsonNode checkpointStatistics(String jobId) throws InterruptedException {
        return send(HttpRequest.newBuilder(endpoint("/jobs/" + jobId + "/checkpoints")).GET(), "reading the checkpoints of job " + jobId);
    }

    /**
     * The running job with this id or name; for null, the one job running, if exactly one is.
     * Anything else is a user error that lists the running jobs.
     */
    public Job runningJob(String idOrName) throws InterruptedException {
        List<Job> jobs = jobs();
        List<Job> running = jobs.stream().filter(Job::running).toList();
        if (idOrName == null) {
            if (running.size() == 1) {
                return running.get(0);
            }
            throw new UserError(running.isEmpty()
                    ? "no job is running at " + url
                    : running.size() + " jobs are running at " + url + ": " + list(running) + "; pick one with --job ID|NAME");
        }
        List<Job> named = jobs.stream().filter(job -> job.id().equals(idOrName) || job.name().equals(idOrName)).toList();
        List<Job> namedRunning = named.stream().filter(Job::running).toList();
        if (namedRunning.size() == 1) {
            return namedRunning.get(0);
        }
        if (namedRunning.size() > 1) {
            throw new UserError(namedRunning.size() + " running jobs are named " + idOrName + ": " + list(namedRunning)
                    + "; pick one with --job ID");
        }
        String found = named.isEmpty()
                ? "no job " + idOrName
                : named.stream().map(job -> "job " + job + " is " + job.state()).collect(Collectors.joining(", "));
        throw new UserError(found + " at " + url + "; running: " + (running.isEmpty() ? "none" : list(running)));
    }

    /**
     * Takes a savepoint of a running job, which keeps running, and waits until Flink completed it.
     * It is in Flink's canonical format, which a job on any state backend restores.
     *
     * @param jobIdOrName the job's id or name; null for the one running job (see {@link #runningJob})
     * @param targetDirectory where Flink writes it; Flink adds a folder {@code savepoint-…} per savepoint
     * @param timeout how long to wait for completion before giving up (Flink may still finish it)
     * @return the savepoint's location and job
     */
    public Savepoint savepoint(String jobIdOrName, URI targetDirectory, Duration timeout) throws InterruptedException {
        Job job = runningJob(jobIdOrName);
        String what = "savepoint of job " + job;
        ObjectNode body = json.createObjectNode().put("target-directory", targetDirectory.toString()).put("cancel-job", false);
        return awaitSavepoint(job, trigger(job, "/savepoints", what, body), targetDirectory, what, timeout);
    }

    /**
     * Stops a running job with a savepoint ({@code POST /jobs/ID/stop}), as an upgrade does: the
     * sources stop, the sinks commit what they wrote, and the savepoint holds the state right
     * after. Waits until Flink completed it.
     */
    public Savepoint stopWithSavepoint(String jobIdOrName, URI targetDirectory, Duration timeout) throws InterruptedException {
        Job job = runningJob(jobIdOrName);
        String what = "stop of job " + job + " with a savepoint";
        ObjectNode body = json.createObjectNode().put("targetDirectory", targetDirectory.toString()).put("drain", false);
        return awaitSavepoint(job, trigger(job, "/stop", what, body), targetDirectory, what, timeout);
    }

    private Savepoint awaitSavepoint(Job job, String triggerId, URI targetDirectory, String what, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status = send(HttpRequest.newBuilder(endpoint("/jobs/" + job.id() + "/savepoints/" + triggerId)).GET(), what);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.hasNonNull("failure-cause")) {
                    throw new UserError(what + " failed: " + rootCause(operation.path("failure-cause").path("stack-trace").asText()));
                }
                return new Savepoint(operation.path("location").asText(), job);
            }
            if (System.nanoTime() > deadline) {
                throw new UserError(what + " did not complete within " + timeout.toSeconds() + " s; Flink may still write it under "
                        + targetDirectory);
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** Uploads a job jar ({@code POST /jars/upload}); returns the id the cluster gave it. */
    public String uploadJar(Path jar) throws InterruptedException {
        String boundary = "braid-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                    HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofByteArray(tail));
        } catch (FileNotFoundException e) {
            throw new UserError("no job jar at " + jar + ": build it with 'mvn install -DskipTests'", e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body);
        String stored = send(request, "uploading " + jar.getFileName() + " to " + url).path("filename").asText();
        return stored.substring(stored.lastIndexOf('/') + 1);
    }

    /**
     * Runs an uploaded jar ({@code POST /jars/ID/run}): its main class builds the job on the
     * cluster. Returns the job's id.
     *
     * @param savepoint the savepoint to start from, or null for none
     * @param parallelism the job's default parallelism, or null for the cluster's
     */
    public String runJar(String jarId, String entryClass, List<String> args, String savepoint, Integer parallelism)
            throws InterruptedException {
        ObjectNode body = json.createObjectNode().put("entryClass", entryClass).put("allowNonRestoredState", false);
        args.forEach(body.putArray("programArgsList")::add);
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
        }
        if (parallelism != null) {
            body.put("parallelism", parallelism);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint("/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        return send(request, "starting " + entryClass + " on " + url).path("jobid").asText();
    }

    /** Waits until every task of the job runs; a job that fails or ends first is a user error with its cause. */
    public void awaitRunning(String jobId, Duration timeout) throws InterruptedException {
        String what = "job " + jobId;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode job = send(HttpRequest.newBuilder(endpoint("/jobs/" + jobId)).GET(), what);
            String state = job.path("state").asText();
            boolean tasksRunning = job.path("vertices").size() > 0;
            for (JsonNode vertex : job.path("vertices")) {
                tasksRunning &= "RUNNING".equals(vertex.path("status").asText());
            }
            if ("RUNNING".equals(state) && tasksRunning) {
                return;
            }
            if (List.of("FAILED", "FAILING", "CANCELED", "CANCELLING", "FINISHED").contains(state)) {
                JsonNode exceptions = send(HttpRequest.newBuilder(endpoint("/jobs/" + jobId + "/exceptions")).GET(), what);
                String cause = exceptions.path("root-exception").asText("");
                throw new UserError(what + " is " + state + (cause.isEmpty() ? "" : ": " + rootCause(cause)));
            }
            if (System.nanoTime() > deadline) {
                throw new UserError(what + " is " + state + ", not all its tasks running, after " + timeout.toSeconds()
                        + " s: does the cluster have free slots?");
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** Starts a savepoint operation of the job ({@code /savepoints} or {@code /stop}); returns its trigger id. */
    private String trigger(Job job, String operation, String what, ObjectNode body) throws InterruptedException {
        body.put("formatType", "CANONICAL");
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint("/jobs/" + job.id() + operation))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        return send(request, what).path("request-id").asText();
    }

    /**
     * The response's JSON. Flink's refusal becomes "{@code what} failed: …"; anything else that is
     * not a JSON answer means no Flink REST API is at the URL.
     */
    private JsonNode send(HttpRequest.Builder request, String what) throws InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UserError(notFlink(unreachable(e)), e);
        }
        JsonNode body = json(response.body());
        boolean ok = response.statusCode() / 100 == 2;
        if (ok && body.isObject()) {
            return body;
        }
        if (!ok && body.path("errors").isArray() && !body.path("errors").isEmpty()) {
            // A message, or "Internal server error." followed by the server-side stack trace.
            JsonNode errors = body.path("errors");
            throw new UserError(what + " failed: " + rootCause(errors.get(errors.size() - 1).asText()));
        }
        throw new UserError(notFlink(response.request().method() + " " + response.uri().getPath() + " answered HTTP "
                + response.statusCode() + (body.isObject() ? "" : " without JSON")));
    }

    private JsonNode json(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private String notFlink(String reason) {
        return "no Flink REST API at " + url + ": " + reason + "; start one with `braid run` or pass --flink URL";
    }

    /** Why the call got no answer; Java's HTTP client leaves the messages of the common causes empty. */
    private String unreachable(IOException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException) {
                return "unknown host " + url.getHost();
            }
        }
        if (failure instanceof HttpConnectTimeoutException) {
            return "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
        }
        if (failure instanceof HttpTimeoutException) {
            return "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        }
        return failure instanceof ConnectException && failure.getMessage() == null ? "connection refused" : Failures.oneLine(failure);
    }

    private URI endpoint(String path) {
        String base = url.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    /** The innermost cause of a printed stack trace, with its exception's simple class name. */
    static String rootCause(String stackTrace) {
        String cause = null;
        for (String line : stackTrace.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            } else if (cause == null && !line.isBlank() && !line.startsWith("<Exception on server side")) {
                cause = line;
            }
        }
        if (cause == null) {
            return "no reason given";
        }
        Matcher qualified = QUALIFIED_CLASS.matcher(cause.strip());
        return qualified.find() ? qualified.replaceFirst(qualified.group(1)) : cause.strip();
    }

    private static String list(List<Job> jobs) {
        return jobs.stream().map(Job::toString).collect(Collectors.joining(", "));
    }
}
