package dev.braid.benchmarks;

import dev.braid.schema.AgentStep;
import dev.braid.schema.CiInstance;
import dev.braid.schema.CiJob;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.Level;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.Source;
import dev.braid.schema.TestStatus;
import dev.braid.testing.Events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One deterministic stream of normalized events, in event-time order and never two in the same
 * millisecond, that trips the spot-churn, agent-loop and failing-builds rules many times among
 * traffic those rules must ignore or must not count:
 *
 * <ul>
 *   <li>CI jobs on spot runners: a quarter of them lose runner after runner within minutes (spot
 *       churn), the others rarely; an interruption is reported by AWS's warning, often followed by
 *       the runner's own termination record (the same interruption, not another), or by that record
 *       alone; some warnings name an instance no launch record tied to a job.
 *   <li>Workflow jobs of twenty repositories: mostly green, with incidents in which most fail, and
 *       re-runs of a failed job (the same job failing twice counts once).
 *   <li>Agent tasks: most converge in a few attempts, some loop past five attempts or circle back
 *       to a state signature; most end with an outcome (which resolves an agent-loop alert, and
 *       counts as a failing build when it is an error), a few resume after an error.
 *   <li>Backend logs and errors, browser requests and Web Vitals, test results, model calls and
 *       MCP probes: about three quarters of the stream, none of it the three rules' business.
 * </ul>
 *
 * Event times start at {@link Events#T0}. Two events planned for the same millisecond are moved
 * apart by one, so that no engine's tie-breaking can tell the streams apart.
 */
public final class RuleEventMix {

    private static final long SEC = 1_000;
    private static final long MIN = 60 * SEC;
    private static final long HOUR = 60 * MIN;

    private static final int SPOT_JOBS_PER_HOUR = 30;
    private static final int UNKNOWN_INSTANCE_WARNINGS_PER_HOUR = 3;
    private static final int AGENT_TASKS_PER_HOUR = 40;
    private static final int BACKGROUND_PER_HOUR = 3_000;
    private static final int REPOS = 20;
    private static final String[] JOB_NAMES = {"build", "test", "lint", "e2e", "deploy", "docs"};
    private static final String[] STATES = {"planning", "editing", "testing", "reviewing", "fixing", "waiting"};
    private static final String[] REGIONS = {"us-east-2", "eu-west-1", "ap-south-1"};
    private static final String[] PROVIDERS = {"anthropic", "openai", "mistral"};

    /** Makes the planned event once its id and final time are known. */
    @FunctionalInterface
    private interface EventAt {
        NormalizedEvent at(String id, long offsetMillis);
    }

    private record Planned(long offset, EventAt event) {}

    private final Random random;
    private final List<Planned> planned = new ArrayList<>();
    private final List<Integer> perHour = new ArrayList<>();
    private final long[] incidentStarts = new long[REPOS];
    private final long[] incidentEnds = new long[REPOS];
    private long serial;

    private RuleEventMix(long seed) {
        this.random = new Random(seed);
    }

    /** The first {@code count} events of the mix the seed makes. */
    public static List<NormalizedEvent> generate(int count, long seed) {
        return new RuleEventMix(seed).events(count);
    }

    /**
     * Plans hour after hour until {@code count} events fall before the current hour: an episode
     * starts in the hour it is planned in, so no later one can add an event before it.
     */
    private List<NormalizedEvent> events(int count) {
        long complete = 0;
        for (int hour = 0; complete < count; hour++) {
            planHour(hour * HOUR);
            complete += hour < perHour.size() ? perHour.get(hour) : 0;
        }
        planned.sort(Comparator.comparingLong(Planned::offset));
        List<NormalizedEvent> events = new ArrayList<>(count);
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            Planned next = planned.get(i);
            long offset = Math.max(next.offset(), previous + 1);
            events.add(next.event().at(String.format("ev-%07d", i), offset));
            previous = offset;
        }
        return events;
    }

    private void planHour(long hourStart) {
        for (int i = 0; i < SPOT_JOBS_PER_HOUR; i++) {
            spotJob(hourStart + random.nextLong(HOUR));
        }
        for (int i = 0; i < UNKNOWN_INSTANCE_WARNINGS_PER_HOUR; i++) {
            String instance = "i-unknown-" + serial++;
            String region = pick(REGIONS);
            plan(hourStart + random.nextLong(HOUR), (id, at) -> Events.spotWarning(id, at, instance, region));
        }
        for (int repo = 0; repo < REPOS; repo++) {
            workflowJobs(repo, hourStart);
        }
        for (int i = 0; i < AGENT_TASKS_PER_HOUR; i++) {
            agentTask(hourStart + random.nextLong(HOUR));
        }
        for (int i = 0; i < BACKGROUND_PER_HOUR; i++) {
            background(hourStart + random.nextLong(HOUR));
        }
    }

    /** A CI job and the spot runners launched for it, one after another until one finishes the job. */
    private void spotJob(long start) {
        String job = "job-" + serial++;
        String region = pick(REGIONS);
        boolean churning = random.nextDouble() < 0.25;
        int runners = churning ? 3 + random.nextInt(4) : 1 + random.nextInt(2);
        long time = start;
        for (int runner = 1; runner <= runners; runner++) {
            String instance = "i-" + job + "-" + runner;
            plan(time, (id, at) -> Events.runnerLaunched(id, at, instance, job, region));
            boolean lastRunner = runner == runners;
            boolean interrupted = churning ? !lastRunner || random.nextBoolean() : random.nextDouble() < 0.15;
            long end = time + (churning ? 4 * MIN + random.nextLong(21 * MIN) : 10 * MIN + random.nextLong(40 * MIN));
            if (!interrupted) {
                plan(end, (id, at) -> runnerTerminated(id, at, instance, job, region, "job-completed"));
            } else if (random.nextDouble() < 0.15) {
                plan(end, (id, at) -> runnerTerminated(id, at, instance, job, region, "spot-interruption"));
            } else {
                plan(end, (id, at) -> Events.spotWarning(id, at, instance, region));
                if (random.nextBoolean()) {
                    plan(end + MIN + random.nextLong(MIN), (id, at) -> runnerTerminated(id, at, instance, job, region, "spot-interruption"));
                }
            }
            time = end + MIN + random.nextLong(2 * MIN);
        }
    }

    /** An hour of one repository's workflow jobs: started, then completed, a failure sometimes re-run. */
    private void workflowJobs(int repoIndex, long hourStart) {
        String repo = "acme/repo-" + repoIndex;
        if (incidentEnds[repoIndex] < hourStart && random.nextInt(30) == 0) {
            incidentStarts[repoIndex] = hourStart + random.nextLong(HOUR);
            incidentEnds[repoIndex] = incidentStarts[repoIndex] + 20 * MIN + random.nextLong(40 * MIN);
        }
        int jobs = 6 + random.nextInt(8);
        for (int i = 0; i < jobs; i++) {
            long started = hourStart + random.nextLong(HOUR);
            long completed = started + 2 * MIN + random.nextLong(8 * MIN);
            boolean incident = completed >= incidentStarts[repoIndex] && completed < incidentEnds[repoIndex];
            String jobId = Long.toString(100_000 + serial++);
            String name = pick(JOB_NAMES);
            plan(started, (id, at) -> jobInProgress(id, at, repo, jobId, name));
            String conclusion = conclusion(incident ? 0.6 : 0.04);
            plan(completed, (id, at) -> Events.workflowJob(id, at, repo, jobId, name, conclusion));
            if (!conclusion.equals("success") && random.nextDouble() < 0.3) {
                String rerun = random.nextBoolean() ? "failure" : "success";
                plan(completed + 2 * MIN + random.nextLong(6 * MIN), (id, at) -> Events.workflowJob(id, at, repo, jobId, name, rerun));
            }
        }
    }

    private String conclusion(double failureChance) {
        double draw = random.nextDouble();
        if (draw < failureChance) {
            return random.nextInt(10) == 0 ? "timed_out" : "failure";
        }
        return draw < failureChance + 0.05 ? (random.nextBoolean() ? "cancelled" : "skipped") : "success";
    }

    /** An agent task: attempts, the states each reaches, its model calls, and mostly an outcome. */
    private void agentTask(long start) {
        long number = serial++;
        String task = "task-" + number;
        String signature = "sig-" + number % 500;
        String repo = "acme/repo-" + random.nextInt(REPOS);
        String[] stateSignatures = new String[2 + random.nextInt(4)];
        for (int i = 0; i < stateSignatures.length; i++) {
            stateSignatures[i] = String.format("%016x", random.nextLong());
        }
        int attempts = attempts();
        long time = attemptsOf(task, signature, stateSignatures, 1, attempts, start);
        if (random.nextDouble() < 0.2) {
            return;
        }
        String outcome = random.nextDouble() < 0.7 ? "success" : "error";
        plan(time, (id, at) -> agentOutcome(id, at, task, repo, signature, attempts, outcome));
        if (outcome.equals("error") && random.nextDouble() < 0.25) {
            int more = 1 + random.nextInt(4);
            long resumed = attemptsOf(task, signature, stateSignatures, attempts + 1, attempts + more,
                    time + 30 * MIN + random.nextLong(HOUR));
            String retried = random.nextBoolean() ? "success" : "error";
            plan(resumed, (id, at) -> agentOutcome(id, at, task, repo, signature, attempts + more, retried));
        }
    }

    private int attempts() {
        double draw = random.nextDouble();
        if (draw < 0.7) {
            return 1 + random.nextInt(3);
        }
        return draw < 0.9 ? 4 + random.nextInt(2) : 6 + random.nextInt(4);
    }

    /** Attempts {@code first..last} of the task from {@code time}; returns when the last one ends. */
    private long attemptsOf(String task, String signature, String[] stateSignatures, int first, int last, long time) {
        for (int attempt = first; attempt <= last; attempt++) {
            int number = attempt;
            plan(time, (id, at) -> Events.agentAttempt(id, at, task, signature, number));
            int steps = 1 + random.nextInt(3);
            for (int step = 0; step < steps; step++) {
                time += 20 * SEC + random.nextLong(3 * MIN);
                int state = random.nextInt(stateSignatures.length);
                plan(time, (id, at) -> Events.agentState(id, at, task, number, STATES[state], stateSignatures[state]));
                if (random.nextBoolean()) {
                    String provider = pick(PROVIDERS);
                    String error = random.nextInt(20) == 0 ? "529 overloaded_error: Overloaded" : null;
                    plan(time + 5 * SEC, (id, at) -> Events.llmCall(id, at, provider, error));
                }
            }
            time += 30 * SEC + random.nextLong(4 * MIN);
        }
        return time;
    }

    /** One event none of the three rules selects. */
    private void background(long time) {
        int draw = random.nextInt(100);
        if (draw < 40) {
            String trace = String.format("%032x", random.nextInt(1 << 20));
            plan(time, (id, at) -> Events.traced(id, trace, at));
        } else if (draw < 47) {
            String service = "svc-" + random.nextInt(8);
            String message = "timeout calling inventory after " + (100 + random.nextInt(900)) + " ms";
            plan(time, (id, at) -> Events.errorLog(id, at, service, message));
        } else if (draw < 57) {
            String request = "req-" + serial++;
            String url = "https://shop.example/api/items/" + random.nextInt(1000);
            plan(time, (id, at) -> Events.networkRequest(id, at, request, "GET", url));
        } else if (draw < 67) {
            String request = "req-" + serial++;
            String url = "https://shop.example/api/cart";
            int status = random.nextInt(50) == 0 ? 503 : 200;
            double millis = 20 + random.nextInt(400);
            plan(time, (id, at) -> Events.networkResponse(id, at, request, url, status, millis));
        } else if (draw < 72) {
            String page = "shop.example/item/" + random.nextInt(50);
            double value = random.nextInt(4000);
            plan(time, (id, at) -> Events.webVital(id, at, page, "LCP", value, value > 2500 ? "poor" : "good"));
        } else if (draw < 85) {
            String repo = "acme/repo-" + random.nextInt(REPOS);
            String test = "test-" + random.nextInt(300);
            String commit = String.format("%040x", random.nextLong() & Long.MAX_VALUE);
            TestStatus status = random.nextInt(25) == 0 ? TestStatus.FAILED : TestStatus.PASSED;
            plan(time, (id, at) -> Events.testResult(id, at, repo, "main", test, commit, status));
        } else if (draw < 93) {
            String provider = pick(PROVIDERS);
            plan(time, (id, at) -> Events.llmCall(id, at, provider, null));
        } else {
            String server = "mcp-" + random.nextInt(5);
            String status = random.nextInt(30) == 0 ? "timeout" : "up";
            plan(time, (id, at) -> Events.mcpProbe(id, at, server, status));
        }
    }

    private void plan(long offset, EventAt event) {
        planned.add(new Planned(offset, event));
        int hour = (int) (offset / HOUR);
        while (perHour.size() <= hour) {
            perHour.add(0);
        }
        perHour.set(hour, perHour.get(hour) + 1);
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    /** A runner's own record of its end, with the reason the cloud gave. */
    private static NormalizedEvent runnerTerminated(String id, long at, String instance, String job, String region, String reason) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("reason", reason);
        return Events.event(id, at, Source.CI, "ci.instance", Level.INFO, "runner terminated: " + reason + " " + instance)
                .setKeys(CorrelationKeys.newBuilder().setJobId(job).build())
                .setMetadata(metadata)
                .setPayload(CiInstance.newBuilder().setInstanceId(instance).setEvent("terminated").setLifecycle("spot")
                        .setInstanceType("c6i.large").setRegion(region).build())
                .build();
    }

    private static NormalizedEvent jobInProgress(String id, long at, String repo, String jobId, String name) {
        return Events.event(id, at, Source.CI, "ci.job", Level.INFO, "workflow job " + name + " in progress")
                .setKeys(CorrelationKeys.newBuilder().setJobId(jobId).setRepo(repo).build())
                .setPayload(CiJob.newBuilder().setJobId(jobId).setJobName(name).setStatus("in_progress").build())
                .build();
    }

    private static NormalizedEvent agentOutcome(String id, long at, String task, String repo, String signature, int attempt,
                                                String outcome) {
        boolean error = outcome.equals("error");
        return Events.event(id, at, Source.AGENT, "agent.outcome", error ? Level.ERROR : Level.INFO, "task " + task + " " + outcome)
                .setKeys(CorrelationKeys.newBuilder().setTaskId(task).setRepo(repo).build())
                .setPayload(AgentStep.newBuilder().setSignature(signature).setAttempt(attempt).setOutcome(outcome)
                        .setError(error ? "tests still failing" : null).build())
                .build();
    }
}
