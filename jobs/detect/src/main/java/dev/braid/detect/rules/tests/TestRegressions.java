package dev.braid.detect.rules.tests;

import dev.braid.detect.model.Finding;
import dev.braid.detect.model.TestVerdict;
import dev.braid.detect.rules.EventFields;
import dev.braid.detect.rules.Findings;
import dev.braid.schema.Commit;
import dev.braid.schema.CorrelationKeys;
import dev.braid.schema.NormalizedEvent;
import dev.braid.schema.SuspectCommit;
import dev.braid.schema.TestResult;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The test-regression rule's state machine, keyed by "repo|branch": the branch's newest commits and
 * each test's last verdict. Events wait for the watermark and are then applied in event-time order
 * (commits before results of the same millisecond), so shuffled input within the out-of-orderness
 * gives the same alerts as ordered input. State is bounded by {@code maxCommits}, one verdict per
 * test, and a TTL of {@code history}.
 */
public final class TestRegressions extends KeyedProcessFunction<String, NormalizedEvent, Finding> {

    private static final long serialVersionUID = 1L;

    private static final Comparator<NormalizedEvent> COMMITS_FIRST = Comparator
            .comparing((NormalizedEvent e) -> e.getEventTime())
            .thenComparing(e -> EventFields.isKind(e, "git.commit") ? 0 : 1)
            .thenComparing(NormalizedEvent::getId);
    private static final Comparator<SuspectCommit> NEWEST_FIRST =
            Comparator.comparing(SuspectCommit::getTime).thenComparing(SuspectCommit::getSha).reversed();
    private static final int MAX_MESSAGE_CHARS = 500;

    private final int maxSuspects;
    private final int maxCommits;
    private final Duration history;
    private transient MapState<Long, List<NormalizedEvent>> pending;
    private transient MapState<String, SuspectCommit> commits;
    private transient MapState<String, TestVerdict> verdicts;

    public TestRegressions(int maxSuspects, int maxCommits, Duration history) {
        this.maxSuspects = maxSuspects;
        this.maxCommits = maxCommits;
        this.history = history;
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl = StateTtlConfig.newBuilder(history)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .cleanupInRocksdbCompactFilter(1000)
                .build();
        MapStateDescriptor<String, SuspectCommit> commitsDescriptor =
                new MapStateDescriptor<>("commits-by-sha", Types.STRING, new AvroTypeInfo<>(SuspectCommit.class));
        MapStateDescriptor<String, TestVerdict> verdictsDescriptor =
                new MapStateDescriptor<>("verdict-by-test", Types.STRING, new AvroTypeInfo<>(TestVerdict.class));
        commitsDescriptor.enableTimeToLive(ttl);
        verdictsDescriptor.enableTimeToLive(ttl);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-by-time", Types.LONG,
                Types.LIST(new AvroTypeInfo<>(NormalizedEvent.class))));
        commits = getRuntimeContext().getMapState(commitsDescriptor);
        verdicts = getRuntimeContext().getMapState(verdictsDescriptor);
    }

    @Override
    public void processElement(NormalizedEvent event, Context ctx, Collector<Finding> out) throws Exception {
        long time = event.getEventTime().toEpochMilli();
        List<NormalizedEvent> atTime = pending.get(time);
        List<NormalizedEvent> updated = atTime == null ? new ArrayList<>() : new ArrayList<>(atTime);
        updated.add(event);
        pending.put(time, updated);
        ctx.timerService().registerEventTimeTimer(time);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
        List<NormalizedEvent> due = pending.get(timestamp);
        pending.remove(timestamp);
        if (due == null) {
            return;
        }
        List<NormalizedEvent> ordered = new ArrayList<>(due);
        ordered.sort(COMMITS_FIRST);
        for (NormalizedEvent event : ordered) {
            if (event.getPayload() instanceof Commit commit) {
                remember(commit, event);
            } else {
                judge(event, ctx.getCurrentKey(), out);
            }
        }
    }

    private void remember(Commit commit, NormalizedEvent event) throws Exception {
        CorrelationKeys keys = event.getKeys();
        commits.put(commit.getSha(), SuspectCommit.newBuilder()
                .setSha(commit.getSha())
                .setRepo(keys.getRepo())
                .setBranch(keys.getBranch())
                .setAuthor(commit.getAuthorName())
                .setMessage(FlakyTest.firstLine(event.getMessage()))
                .setTime(event.getEventTime())
                .build());
        List<SuspectCommit> newestFirst = keptCommits();
        for (SuspectCommit old : newestFirst.subList(Math.min(maxCommits, newestFirst.size()), newestFirst.size())) {
            commits.remove(old.getSha());
        }
    }

    /** Compares a result with the test's last verdict: green to red on a new commit fires, red to green clears. */
    private void judge(NormalizedEvent event, String branchKey, Collector<Finding> out) throws Exception {
        CorrelationKeys keys = event.getKeys();
        String alertKey = branchKey + '|' + keys.getTestId();
        boolean green = FlakyTest.green(event);
        TestVerdict last = verdicts.get(keys.getTestId());
        verdicts.put(keys.getTestId(), TestVerdict.newBuilder()
                .setPassed(green)
                .setCommit(keys.getCommit())
                .setTime(event.getEventTime().toEpochMilli())
                .setEventId(event.getId())
                .build());
        if (last == null) {
            return;
        }
        if (green && !last.getPassed()) {
            out.collect(Findings.clear(TestRegression.RULE, alertKey, event,
                    "test " + keys.getTestId() + " passes again on " + EventFields.shortSha(keys.getCommit())));
        } else if (!green && last.getPassed() && !keys.getCommit().equals(last.getCommit())) {
            out.collect(regression(event, alertKey, last));
        }
    }

    private Finding regression(NormalizedEvent failure, String alertKey, TestVerdict pass) throws Exception {
        CorrelationKeys keys = failure.getKeys();
        long passedAt = timeOnBranch(pass.getCommit(), pass.getTime());
        long failedAt = timeOnBranch(keys.getCommit(), failure.getEventTime().toEpochMilli());
        List<SuspectCommit> suspects = keptCommits().stream()
                .filter(c -> c.getTime().toEpochMilli() > passedAt && c.getTime().toEpochMilli() <= failedAt)
                .limit(maxSuspects)
                .toList();
        TestResult result = EventFields.testResult(failure);
        String message = result.getFailureMessage() == null ? failure.getMessage() : result.getFailureMessage();
        String suspectList = suspects.isEmpty()
                ? "none known (the commits are not in the history)"
                : suspects.stream().map(c -> EventFields.shortSha(c.getSha()) + " " + c.getMessage()
                        + (c.getAuthor() == null ? "" : " by " + c.getAuthor())).collect(Collectors.joining("; "));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("test", keys.getTestId());
        details.put("repo", keys.getRepo());
        details.put("branch", keys.getBranch());
        details.put("last-pass-commit", pass.getCommit());
        details.put("last-pass-event", pass.getEventId());
        details.put("failing-commit", keys.getCommit());
        details.put("suspect-commits", suspects.stream().map(SuspectCommit::getSha).collect(Collectors.joining(",")));
        details.put("failure", truncate(message));
        return Findings.fire(TestRegression.RULE, alertKey, List.of(failure),
                "test " + keys.getTestId() + " on " + keys.getRepo() + "@" + keys.getBranch() + " passed on "
                        + EventFields.shortSha(pass.getCommit()) + " and fails on " + EventFields.shortSha(keys.getCommit())
                        + ": " + truncate(FlakyTest.firstLine(message)) + ". Suspect commits: " + suspectList,
                details);
    }

    /** The commit's time when it is in the history, else the result's own time. */
    private long timeOnBranch(String sha, long resultTime) throws Exception {
        SuspectCommit commit = sha == null ? null : commits.get(sha);
        return commit == null ? resultTime : commit.getTime().toEpochMilli();
    }

    private List<SuspectCommit> keptCommits() throws Exception {
        return StreamSupport.stream(commits.values().spliterator(), false).sorted(NEWEST_FIRST).toList();
    }

    private static String truncate(String text) {
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
    }
}
