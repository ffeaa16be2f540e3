package org.lit.data;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The lines one class logs at a level or above while a test runs (so a test can check that a warning names the file and why). */
public final class CapturedLog extends AbstractAppender implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Logger logger;

    private final Level level;

    /** WARN and above. */
    public CapturedLog(Class<?> source) {
        this(source, Level.WARN);
    }

    public CapturedLog(Class<?> source, Level level) {
        this(source.getName(), level);
    }

    /** A logger by name (a class this test cannot see). */
    public CapturedLog(String source, Level level) {
        super("captured-log-" + INSTANCES.incrementAndGet(), null, null, true, Property.EMPTY_ARRAY);
        this.level = level;
        start();
        org.slf4j.LoggerFactory.getLogger(source);      // SLF4J's first use (re)starts log4j's context, which would drop what is set below
        logger = (Logger) LogManager.getLogger(source);
        logger.addAppender(this);                        // gives the class a logger config of its own...
        Configurator.setLevel(source, level);        // ...whose level (not the Logger's, reset on reconfiguration) lets these through
    }

    @Override
    public void append(LogEvent event) {
        if (event.getLevel().isMoreSpecificThan(level)) messages.add(event.getMessage().getFormattedMessage());
    }

    public List<String> messages() {
        return messages;
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        stop();
    }
}
