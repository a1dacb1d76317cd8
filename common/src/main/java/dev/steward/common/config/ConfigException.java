package dev.steward.common.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found (never just the first).
 * Programs print {@link #problems()} one per line and exit with {@link #EX_CONFIG}.
 *
 * <p>Thread safety: immutable.
 */
public final class ConfigException extends Exception {

    /** sysexits.h EX_CONFIG: the exit code for a configuration error. */
    public static final int EX_CONFIG = 78;

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.size() == 1 ? problems.get(0).message()
                : problems.size() + " configuration problems, first: " + problems.get(0).message());
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
