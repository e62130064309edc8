package dev.braid.detect.rules;

import dev.braid.detect.model.Finding;
import dev.braid.schema.NormalizedEvent;

import java.util.List;

/** A rule's run detector that counts the work done with it: the events it looks at and the runs it judges. */
public final class CountedRun extends RunDetector {

    private static final long serialVersionUID = 1L;

    private final RunDetector rule;
    private long eventsLookedAt;
    private long runs;
    private int longestRun;

    public CountedRun(RunDetector rule) {
        super(rule.name(), rule.count(), rule.window());
        this.rule = rule;
    }

    /** Events handed to the rule's condition, each event of a {@code before} list included. */
    public long eventsLookedAt() {
        return eventsLookedAt;
    }

    public long runs() {
        return runs;
    }

    public int longestRun() {
        return longestRun;
    }

    @Override
    public boolean selects(NormalizedEvent event) {
        return rule.selects(event);
    }

    @Override
    public String key(NormalizedEvent event) {
        return rule.key(event);
    }

    @Override
    public boolean continues(NormalizedEvent event, List<NormalizedEvent> before) {
        eventsLookedAt += 1 + before.size();
        return rule.continues(event, before);
    }

    @Override
    public boolean readsRun() {
        return rule.readsRun();
    }

    @Override
    public Finding onRun(List<NormalizedEvent> run) {
        runs++;
        longestRun = Math.max(longestRun, run.size());
        return rule.onRun(run);
    }
}
