package dev.steward.smtp.wire;

import java.io.IOException;
import java.util.Objects;

/**
 * A command line that was read completely but cannot be used ({@link #problem()}). Unlike its
 * superclass this is not a connection failure: the line has been consumed through its terminator
 * and the session may answer and read the next command. Catch it before {@link IOException}.
 *
 * <p>Thread safety: immutable.
 */
public final class SmtpSyntaxException extends IOException {

    private static final long serialVersionUID = 1L;

    private final LineProblem problem;
    private final long lineLength;

    /**
     * @param problem    what is wrong with the line
     * @param lineLength octets consumed for the line, terminator included
     */
    public SmtpSyntaxException(LineProblem problem, long lineLength) {
        super(switch (Objects.requireNonNull(problem, "problem")) {
            case TOO_LONG -> "command line too long (" + lineLength + " octets)";
            case BARE_CR -> "bare CR in command line";
            case INVALID_UTF8 -> "command line is not valid UTF-8";
        });
        this.problem = problem;
        this.lineLength = lineLength;
    }

    public LineProblem problem() {
        return problem;
    }

    /** Octets consumed for the offending line, terminator included. */
    public long lineLength() {
        return lineLength;
    }
}
