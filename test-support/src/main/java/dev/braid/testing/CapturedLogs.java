package dev.braid.testing;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Every log line of this JVM from INFO up, kept in memory while open, for tests that check what
 * the logs say (no credential in them, say). The console keeps its usual WARN, so the build log
 * does not fill up.
 */
public final class CapturedLogs implements AutoCloseable {

    private static final String NAME = "captured";

    private final StringWriter text = new StringWriter();
    private final LoggerContext context = LoggerContext.getContext(false);
    private final Map<LoggerConfig, Level> levelsBefore = new HashMap<>();
    private final Map<String, Appender> rootAppenders = new HashMap<>();
    private final Map<String, Level> rootAppenderLevels = new HashMap<>();
    private final WriterAppender appender;

    private CapturedLogs() {
        Configuration config = context.getConfiguration();
        appender = WriterAppender.newBuilder().setName(NAME).setTarget(text)
                .setLayout(PatternLayout.newBuilder().withPattern("%p %c %m%n").build()).build();
        appender.start();
        config.addAppender(appender);
        LoggerConfig root = config.getRootLogger();
        rootAppenders.putAll(root.getAppenders());
        root.getAppenderRefs().forEach(ref -> rootAppenderLevels.put(ref.getRef(), ref.getLevel()));
        rootAppenders.keySet().forEach(root::removeAppender);
        rootAppenders.values().forEach(console -> root.addAppender(console, Level.WARN, null));
        root.addAppender(appender, Level.INFO, null);
        for (LoggerConfig logger : config.getLoggers().values()) {
            levelsBefore.put(logger, logger.getLevel());
            logger.setLevel(Level.INFO);
        }
        context.updateLoggers();
    }

    public static CapturedLogs fromInfo() {
        return new CapturedLogs();
    }

    /** What was logged so far, one line per event. */
    public String text() {
        return text.toString();
    }

    @Override
    public void close() {
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(NAME);
        context.getConfiguration().getAppenders().remove(NAME);
        appender.stop();
        rootAppenders.keySet().forEach(root::removeAppender);
        rootAppenders.forEach((name, console) -> root.addAppender(console, rootAppenderLevels.get(name), null));
        levelsBefore.forEach(LoggerConfig::setLevel);
        context.updateLoggers();
    }
}
