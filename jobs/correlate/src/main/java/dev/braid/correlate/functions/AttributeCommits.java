package dev.braid.correlate.functions;

import dev.braid.correlate.model.Traces;
import dev.braid.schema.ChainLink;
import dev.braid.schema.Commit;
import dev.braid.schema.CorrelatedTrace;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.SuspectCommit;
import dev.braid.schema.TestResult;
import dev.braid.schema.TestStatus;
import dev.braid.schema.TraceEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.StreamSupport;

/**
 * Names the commits that may have broken a failing test or a backend error: the commits on the
 * trace's repo and branch after the last passing run and up to the failure, newest first.
 *
 * <p>Keyed by "repo|branch". Input 1 is the branch's history (git.commit and passing test.result
 * events), input 2 the closed traces of that branch. A two-input keyed function and not CEP: CEP
 * matches sequences of one stream within a time window, while attribution joins two streams of
 * different types and looks up state that outlives any window (the newest commits, the last pass
 * of each test) by event time rather than arrival order; as a pattern it would have to keep the
 * whole history as partial matches, unbounded.
 *
 * <p>A trace that needs attribution is held until the watermark of both inputs reaches its end, so
 * the commits and passes with earlier times have arrived, or for {@code quiet} of wall time when
 * the watermark stands still (an idle input, or the quiet close upstream), then attributed with the
 * history known so far. State stays bounded: a held trace is
 * removed when emitted, the history keeps the newest {@code maxCommitsPerBranch} commits and one
 * pass time per test, and all of it has a TTL backstop. Trimming and attribution scan the kept
 * commits, so each costs O(maxCommitsPerBranch); a timer reads only the held traces it releases.
 */
public final class AttributeCommits extends KeyedCoProcessFunction<String, NormalizedEvent, CorrelatedTrace, CorrelatedTrace> {

    private static final long serialVersionUID = 1L;

    public static final String COMMIT_KIND = "git.commit";
    public static final String SUSPECT_ROLE = "suspect_commit";
    public static final int MAX_SUSPECTS = 10;
    /** Metric: held traces whose state the TTL backstop expired before a timer released them. */
    public static final String HELD_EXPIRED = "heldTracesExpired";

    private static final int SHORT_SHA = 7;
    private static final int MAX_SUMMARY_CHARS = 200;
    /** RocksDB compaction checks the TTL of this many entries before it refreshes the time. */
    private static final long TTL_QUERY_INTERVAL = 1000;
    private static final Comparator<SuspectCommit> NEWEST_FIRST =
            Comparator.comparing(SuspectCommit::getTime).thenComparing(SuspectCommit::getSha).reversed();

    private final int maxCommitsPerBranch;
    private final Duration historyTtl;
    private transient MapState<String, SuspectCommit> commits;
    private transient MapState<String, Long> lastPassByTest;
    private transient ValueState<Long> lastPassOnBranch;
    private transient MapState<String, CorrelatedTrace> heldTraces;
    // Processing time each held trace is released at if the watermark has not reached its end.
    private transient MapState<String, Long> releaseAt;
    // The held traces by the time of each of their two timers, so that a timer reads only the
    // traces it releases: a backlog holds thousands under one branch.
    private transient MapState<Long, List<String>> heldByEnd;
    private transient MapState<Long, List<String>> heldByRelease;
    private transient Counter heldExpired;

    private final long quiet;

    public AttributeCommits(int maxCommitsPerBranch, Duration historyTtl, Duration quiet) {
        if (maxCommitsPerBranch < 1) {
            throw new IllegalArgumentException("maxCommitsPerBranch must be at least 1: " + maxCommitsPerBranch);
        }
        this.maxCommitsPerBranch = maxCommitsPerBranch;
        this.historyTtl = historyTtl;
        this.quiet = quiet.toMillis();
    }

    public static String historyKey(NormalizedEvent event) {
        CorrelationKeys keys = event.getKeys();
        return keys == null ? historyKey(null, null) : historyKey(keys.getRepo(), keys.getBranch());
    }

    public static String historyKey(CorrelatedTrace trace) {
        return historyKey(trace.getRepo(), trace.getBranch());
    }

    private static String historyKey(String repo, String branch) {
        return (repo == null ? "" : repo) + '|' + (branch == null ? "" : branch);
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl = StateTtlConfig.newBuilder(historyTtl)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .cleanupInRocksdbCompactFilter(TTL_QUERY_INTERVAL)
                .build();
        MapStateDescriptor<String, SuspectCommit> commitsDescriptor =
                new MapStateDescriptor<>("commits-by-sha", Types.STRING, new AvroTypeInfo<>(SuspectCommit.class));
        MapStateDescriptor<String, Long> passByTestDescriptor =
                new MapStateDescriptor<>("last-pass-by-test", Types.STRING, Types.LONG);
        ValueStateDescriptor<Long> passOnBranchDescriptor = new ValueStateDescriptor<>("last-pass-on-branch", Types.LONG);
        // The TTL only backstops a watermark that stalls for longer than the history is kept.
        MapStateDescriptor<String, CorrelatedTrace> heldDescriptor =
                new MapStateDescriptor<>("held-traces", Types.STRING, new AvroTypeInfo<>(CorrelatedTrace.class));
        commitsDescriptor.enableTimeToLive(ttl);
        passByTestDescriptor.enableTimeToLive(ttl);
        passOnBranchDescriptor.enableTimeToLive(ttl);
        heldDescriptor.enableTimeToLive(ttl);
        MapStateDescriptor<String, Long> releaseDescriptor = new MapStateDescriptor<>("release-at", Types.STRING, Types.LONG);
        releaseDescriptor.enableTimeToLive(ttl);
        releaseAt = getRuntimeContext().getMapState(releaseDescriptor);
        MapStateDescriptor<Long, List<String>> byEndDescriptor =
                new MapStateDescriptor<>("held-by-end", Types.LONG, Types.LIST(Types.STRING));
        MapStateDescriptor<Long, List<String>> byReleaseDescriptor =
                new MapStateDescriptor<>("held-by-release", Types.LONG, Types.LIST(Types.STRING));
        // No TTL on the index: the timers that read it remove it, and a held trace that the TTL
        // expired must still be found by its wall timer to be counted.
        heldByEnd = getRuntimeContext().getMapState(byEndDescriptor);
        heldByRelease = getRuntimeContext().getMapState(byReleaseDescriptor);
        heldExpired = getRuntimeContext().getMetricGroup().counter(HELD_EXPIRED);
        commits = getRuntimeContext().getMapState(commitsDescriptor);
        lastPassByTest = getRuntimeContext().getMapState(passByTestDescriptor);
        lastPassOnBranch = getRuntimeContext().getState(passOnBranchDescriptor);
        heldTraces = getRuntimeContext().getMapState(heldDescriptor);
    }

    @Override
    public void processElement1(NormalizedEvent event, Context ctx, Collector<CorrelatedTrace> out) throws Exception {
        CorrelationKeys keys = event.getKeys();
        if (keys == null || keys.getRepo() == null || keys.getBranch() == null) {
            return;
        }
        if (COMMIT_KIND.equals(event.getKind()) && event.getPayload() instanceof Commit commit) {
            remember(commit, event);
        } else if (event.getPayload() instanceof TestResult result && result.getStatus() == TestStatus.PASSED) {
            rememberPass(event);
        }
    }

    @Override
    public void processElement2(CorrelatedTrace trace, Context ctx, Collector<CorrelatedTrace> out) throws Exception {
        if (failure(trace) == null) {
            out.collect(trace);
            return;
        }
        long end = trace.getEnd().toEpochMilli();
        if (end <= ctx.timerService().currentWatermark()) {
            out.collect(attribute(trace));
            return;
        }
        String key = trace.getTraceId() + '#' + trace.getVersion();
        long release = ctx.timerService().currentProcessingTime() + quiet;
        heldTraces.put(key, trace);
        releaseAt.put(key, release);
        addTo(heldByEnd, end, key);
        addTo(heldByRelease, release, key);
        ctx.timerService().registerEventTimeTimer(end);
        ctx.timerService().registerProcessingTimeTimer(release);
    }

    /** Releases the held traces whose end the watermark reached, or whose wall-time hold ran out. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CorrelatedTrace> out) throws Exception {
        boolean wallTime = ctx.timeDomain() == TimeDomain.PROCESSING_TIME;
        MapState<Long, List<String>> due = wallTime ? heldByRelease : heldByEnd;
        List<String> keys = due.get(timestamp);
        due.remove(timestamp);
        for (String key : keys != null ? keys : heldWithoutIndexDueAt(timestamp, wallTime)) {
            CorrelatedTrace trace = heldTraces.get(key);
            Long release = releaseAt.get(key);
            heldTraces.remove(key);
            releaseAt.remove(key);
            if (trace == null) { // expired by the TTL backstop: counted once, by its wall timer
                if (wallTime) {
                    heldExpired.inc();
                }
                continue;
            }
            out.collect(attribute(trace));
            if (wallTime) {
                removeFrom(heldByEnd, trace.getEnd().toEpochMilli(), key, ctx.timerService()::deleteEventTimeTimer);
            } else if (release != null) {
                removeFrom(heldByRelease, release, key, ctx.timerService()::deleteProcessingTimeTimer);
            }
        }
    }

    /**
     * The held traces due at {@code timestamp} when no index names them: those held by a version
     * that kept no index, restored from its savepoint. Their other timers are left to fire and find nothing.
     */
    private List<String> heldWithoutIndexDueAt(long timestamp, boolean wallTime) throws Exception {
        List<String> dueKeys = new ArrayList<>();
        for (Map.Entry<String, CorrelatedTrace> held : heldTraces.entries()) {
            Long release = releaseAt.get(held.getKey());
            boolean due = wallTime ? release != null && release <= timestamp : held.getValue().getEnd().toEpochMilli() <= timestamp;
            if (due) {
                dueKeys.add(held.getKey());
            }
        }
        return dueKeys;
    }

    private static void addTo(MapState<Long, List<String>> index, long time, String key) throws Exception {
        List<String> keys = index.get(time);
        List<String> updated = keys == null ? new ArrayList<>() : new ArrayList<>(keys);
        updated.add(key);
        index.put(time, updated);
    }

    /** Takes a released trace out of its other timer's entry, and the timer too when no held trace is left on it. */
    private static void removeFrom(MapState<Long, List<String>> index, long time, String key, LongConsumer deleteTimer)
            throws Exception {
        List<String> keys = index.get(time);
        if (keys == null) {
            return;
        }
        List<String> left = new ArrayList<>(keys);
        left.remove(key);
        if (left.isEmpty()) {
            index.remove(time);
            deleteTimer.accept(time);
        } else {
            index.put(time, left);
        }
    }

    private void remember(Commit commit, NormalizedEvent event) throws Exception {
        CorrelationKeys keys = event.getKeys();
        commits.put(commit.getSha(), SuspectCommit.newBuilder()
                .setSha(commit.getSha())
                .setRepo(keys.getRepo())
                .setBranch(keys.getBranch())
                .setAuthor(commit.getAuthorName())
                .setMessage(subject(event.getMessage()))
                .setTime(event.getEventTime())
                .build());
        List<SuspectCommit> newestFirst = keptCommits();
        for (SuspectCommit old : newestFirst.subList(Math.min(maxCommitsPerBranch, newestFirst.size()), newestFirst.size())) {
            commits.remove(old.getSha());
        }
    }

    /**
     * A pass vouches for the commit it ran on, so it counts from that commit's time when the commit
     * is known: a rerun of an old commit must not clear the newer commits it never tested.
     */
    private void rememberPass(NormalizedEvent event) throws Exception {
        long passedAt = timeOnBranch(event.getKeys().getCommit(), event.getEventTime().toEpochMilli());
        String testId = event.getKeys().getTestId();
        if (testId != null) {
            lastPassByTest.put(testId, later(lastPassByTest.get(testId), passedAt));
        }
        lastPassOnBranch.update(later(lastPassOnBranch.value(), passedAt));
    }

    /**
     * The trace with its suspect commits set and one chain link per suspect appended. Only the
     * newest pass is kept, so when it is not before the failure, no earlier pass is known and every
     * kept commit up to the failure is a suspect.
     */
    private CorrelatedTrace attribute(CorrelatedTrace trace) throws Exception {
        TraceEvent failure = failure(trace);
        long failedAt = timeOnBranch(failure.getCommit(), failure.getTime().toEpochMilli());
        Long passedAt = isFailingTest(failure) && failure.getTestId() != null
                ? lastPassByTest.get(failure.getTestId())
                : lastPassOnBranch.value();
        long after = passedAt != null && passedAt < failedAt ? passedAt : Long.MIN_VALUE;
        List<SuspectCommit> suspects = keptCommits().stream()
                .filter(c -> c.getTime().toEpochMilli() > after && c.getTime().toEpochMilli() <= failedAt)
                .limit(MAX_SUSPECTS)
                .toList();
        List<ChainLink> chain = new ArrayList<>(trace.getCausalChain());
        suspects.forEach(c -> chain.add(ChainLink.newBuilder().setRole(SUSPECT_ROLE).setRef(c.getSha()).setSummary(summary(c)).build()));
        return CorrelatedTrace.newBuilder(trace)
                .setSuspectCommits(new ArrayList<>(suspects))
                .setCausalChain(chain)
                .build();
    }

    /** The first failing test of a trace on a known branch, else its first backend error; null when neither. */
    private static TraceEvent failure(CorrelatedTrace trace) {
        if (trace.getRepo() == null || trace.getBranch() == null) {
            return null;
        }
        List<TraceEvent> errors = trace.getEvents().stream().filter(Traces::isError).toList();
        return errors.stream().filter(AttributeCommits::isFailingTest).findFirst()
                .orElseGet(() -> errors.stream().filter(e -> e.getSource().equals("backend")).findFirst().orElse(null));
    }

    private static boolean isFailingTest(TraceEvent event) {
        return event.getSource().equals("test") && Traces.isError(event);
    }

    /** The time of the named commit when it is in the history, else the event's own time. */
    private long timeOnBranch(String sha, long eventTime) throws Exception {
        SuspectCommit commit = sha == null ? null : commits.get(sha);
        return commit == null ? eventTime : commit.getTime().toEpochMilli();
    }

    private List<SuspectCommit> keptCommits() throws Exception {
        return StreamSupport.stream(commits.values().spliterator(), false).sorted(NEWEST_FIRST).toList();
    }

    private static long later(Long known, long time) {
        return known == null ? time : Math.max(known, time);
    }

    private static String subject(String message) {
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return line.length() > Traces.MAX_MESSAGE_CHARS ? line.substring(0, Traces.MAX_MESSAGE_CHARS - 1) + "…" : line;
    }

    private static String summary(SuspectCommit commit) {
        String sha = commit.getSha();
        String line = sha.substring(0, Math.min(SHORT_SHA, sha.length())) + ' ' + commit.getMessage()
                + (commit.getAuthor() == null ? "" : " by " + commit.getAuthor());
        return line.length() > MAX_SUMMARY_CHARS ? line.substring(0, MAX_SUMMARY_CHARS - 1) + "…" : line;
    }
}
