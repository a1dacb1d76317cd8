package dev.steward.relay.app;

import dev.steward.common.config.ConfigReader;
import dev.steward.relay.policy.RetryConfig;
import java.nio.file.Path;

/**
 * {@code [queue]}.
 *
 * @param directory the queue root: {@code incoming/ active/ deferred/ hold/ corrupt/ tmp/} below it
 * @param retry     retry schedule, lifetime and delay warnings
 */
public record QueueConfig(Path directory, RetryConfig retry) {

    static final String DEFAULT_DIRECTORY = "/var/spool/steward";

    static QueueConfig read(ConfigReader reader) {
        ConfigReader.Section section = reader.section("queue");
        String directory = section.string("directory", DEFAULT_DIRECTORY);
        if (directory.isBlank()) {
            section.problem("directory", "\"\"", "must be a directory path such as \"/var/spool/steward\"");
            directory = DEFAULT_DIRECTORY;
        }
        RetryConfig retry = RetryConfig.read(section);
        section.finish();
        return new QueueConfig(Path.of(directory), retry);
    }
}
