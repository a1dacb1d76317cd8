package dev.steward.relay.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The relay's logging, set up in code rather than from a {@code logback.xml}: one line per event
 * on stdout (for journald/systemd), {@code 2026-11-28T10:00:00.000+01:00 INFO  event key=value ...}
 * (STYLE.md B7); {@code dev.steward} at {@code STEWARD_LOG_LEVEL} (default INFO), everything else
 * at WARN.
 *
 * <p>Why in code: parsing a {@code logback.xml} loads Logback's configuration interpreter and the
 * JDK's XML parser, about 350 classes that stay in memory for the life of the process (several
 * MiB of a relay whose idle footprint target is 64 MiB). Logback finds this class through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}; a {@code logback.xml} given
 * with {@code -Dlogback.configurationFile} is not consulted.
 *
 * <p>Thread safety: called once by Logback during its initialisation.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %msg%n%ex";
    private static final String STDOUT = "STDOUT";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName(STDOUT);
        stdout.setEncoder(encoder(context));
        stdout.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stdout);
        String level = System.getenv("STEWARD_LOG_LEVEL");
        context.getLogger("dev.steward").setLevel(Level.toLevel(level == null ? "INFO" : level, Level.INFO));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        return encoder;
    }

    /**
     * From now on the log goes to stdout in batches ({@link BatchedStdoutAppender}) instead of a
     * system call per line. For the relay daemon, once started; the caller stops the returned
     * appender last at shutdown, which writes what is still queued. Null when Logback is not the
     * SLF4J binding (nothing to change then).
     */
    static BatchedStdoutAppender batchStdout() {
        if (!(org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return null;
        }
        BatchedStdoutAppender batched = new BatchedStdoutAppender(new java.io.FileOutputStream(java.io.FileDescriptor.out));
        batched.setContext(context);
        batched.setName("STDOUT-BATCHED");
        batched.setEncoder(encoder(context));
        batched.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(batched);
        ch.qos.logback.core.Appender<ILoggingEvent> console = root.getAppender(STDOUT);
        if (console != null) {
            root.detachAppender(console);
            console.stop();
        }
        return batched;
    }
}
