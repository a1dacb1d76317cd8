package dev.steward.smtp.wire;

import java.io.IOException;
import java.util.Objects;

/**
 * The server sent something that is not an SMTP reply ({@link #problem()}). A protocol fact: the
 * reader cannot resynchronize, so the connection should be closed. The message quotes the start of
 * the offending line with control characters replaced, for the log.
 *
 * <p>Thread safety: immutable.
 */
public final class MalformedReplyException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Characters of the offending line quoted in the message. */
    static final int EXCERPT_LENGTH = 64;

    private final ReplyProblem problem;
    private final String excerpt;

    /**
     * @param problem what is wrong
     * @param excerpt the start of the offending line (may be empty); shortened and made printable
     */
    public MalformedReplyException(ReplyProblem problem, String excerpt) {
        super(describe(problem) + ": \"" + printable(excerpt) + "\"");
        this.problem = problem;
        this.excerpt = printable(excerpt);
    }

    public ReplyProblem problem() {
        return problem;
    }

    /** The start of the offending line, printable. */
    public String excerpt() {
        return excerpt;
    }

    private static String describe(ReplyProblem problem) {
        return switch (Objects.requireNonNull(problem, "problem")) {
            case LINE_TOO_LONG -> "reply line too long";
            case TOO_MANY_LINES -> "too many reply lines";
            case BAD_CODE -> "reply line does not start with a reply code";
            case BAD_SEPARATOR -> "reply code not followed by space or hyphen";
            case CODE_CHANGED -> "reply code changed inside a multi-line reply";
        };
    }

    private static String printable(String text) {
        String shortened = text.length() > EXCERPT_LENGTH ? text.substring(0, EXCERPT_LENGTH) + "..." : text;
        StringBuilder clean = new StringBuilder(shortened.length());
        for (int i = 0; i < shortened.length(); i++) {
            char c = shortened.charAt(i);
            clean.append(Character.isISOControl(c) || c == '"' ? '?' : c);
        }
        return clean.toString();
    }
}
