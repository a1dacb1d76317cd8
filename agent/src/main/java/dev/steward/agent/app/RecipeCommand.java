package dev.steward.agent.app;

import java.time.Duration;
import java.util.Objects;

/**
 * One shell command of a recipe ({@code [backup]}, {@code [update]}, {@code [rollback]}) with the
 * longest time it may run; run through {@code /bin/sh -c} by {@link ShellCommandRunner}.
 *
 * <p>Thread safety: immutable.
 *
 * @param command the shell command line, never blank
 * @param timeout after this long the command's process group is killed
 */
public record RecipeCommand(String command, Duration timeout) {

    public RecipeCommand {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        if (command.isBlank()) {
            throw new IllegalArgumentException("blank command");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }
}
