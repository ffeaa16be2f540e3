package org.lit.data.latents;

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

/** The WARN lines one class logs while a test runs (so a test can check that a warning names the file and why). */
final class CapturedWarnings extends AbstractAppender implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Logger logger;

    CapturedWarnings(Class<?> source) {
        super("captured-warnings-" + INSTANCES.incrementAndGet(), null, null, true, Property.EMPTY_ARRAY);
        start();
        org.slf4j.LoggerFactory.getLogger(source);      // SLF4J's first use (re)starts log4j's context, which would drop what is set below
        logger = (Logger) LogManager.getLogger(source);
        logger.addAppender(this);                        // gives the class a logger config of its own...
        Configurator.setLevel(source.getName(), Level.WARN);   // ...whose level (not the Logger's, reset on reconfiguration) lets WARN through
    }

    @Override
    public void append(LogEvent event) {
        if (event.getLevel().isMoreSpecificThan(Level.WARN)) messages.add(event.getMessage().getFormattedMessage());
    }

    List<String> messages() {
        return messages;
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        stop();
    }
}
