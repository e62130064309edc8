package dev.braid.normalize.parse;

import dev.braid.normalize.parse.agent.AgentParsers;
import dev.braid.normalize.parse.backend.BackendParsers;
import dev.braid.normalize.parse.browser.BrowserParsers;
import dev.braid.normalize.parse.ci.CiParsers;
import dev.braid.normalize.parse.git.GitParsers;
import dev.braid.normalize.parse.testreport.TestReportParsers;
import dev.braid.schema.Source;

import java.util.EnumMap;
import java.util.Map;

/** Every source's parser: the one place that says which formats a raw topic accepts. */
public final class Parsers {

    private Parsers() {}

    public static Map<Source, SourceParser> bySource() {
        Map<Source, SourceParser> parsers = new EnumMap<>(Source.class);
        parsers.put(Source.BROWSER, new SourceParser(BrowserParsers.all()));
        parsers.put(Source.BACKEND, new SourceParser(BackendParsers.all()));
        parsers.put(Source.TEST, new SourceParser(TestReportParsers.all()));
        parsers.put(Source.GIT, new SourceParser(GitParsers.all()));
        parsers.put(Source.CI, new SourceParser(CiParsers.all()));
        parsers.put(Source.AGENT, new SourceParser(AgentParsers.all()));
        return parsers;
    }
}
