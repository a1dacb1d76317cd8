package dev.steward.mail.model;

import java.util.Objects;

/**
 * An enhanced mail system status code, {@code class.subject.detail} (RFC 3463 §2), such as
 * {@code 5.1.1} (bad destination mailbox) or {@code 4.4.1} (no answer from host).
 *
 * <p>The class says how final the status is: 2 success, 4 persistent transient failure (try again),
 * 5 permanent failure. Subject and detail are 0..999 each; {@link #toString()} writes them without
 * leading zeros, so {@code parse("5.01.001")} and {@code parse("5.1.1")} give equal values.
 *
 * <p>Thread safety: immutable.
 *
 * @param statusClass 2, 4 or 5
 * @param subject     0..999 (RFC 3463 §3: 0 other, 1 addressing, 2 mailbox, 3 mail system,
 *                    4 network and routing, 5 mail delivery protocol, 6 message content,
 *                    7 security or policy)
 * @param detail      0..999
 */
public record EnhancedStatus(int statusClass, int subject, int detail) {

    /** {@code 2.0.0}: success, nothing more to say. */
    public static final EnhancedStatus SUCCESS = new EnhancedStatus(2, 0, 0);

    private static final int MAX_PART = 999;

    public EnhancedStatus {
        if (statusClass != 2 && statusClass != 4 && statusClass != 5) {
            throw new IllegalArgumentException("the class of an enhanced status code must be 2, 4 or 5, was " + statusClass);
        }
        if (subject < 0 || subject > MAX_PART || detail < 0 || detail > MAX_PART) {
            throw new IllegalArgumentException("subject and detail of an enhanced status code must be 0..999, were "
                    + subject + " and " + detail);
        }
    }

    /** {@code of(5, 1, 1)} is {@code 5.1.1}. */
    public static EnhancedStatus of(int statusClass, int subject, int detail) {
        return new EnhancedStatus(statusClass, subject, detail);
    }

    /**
     * Parses {@code class.subject.detail}: one digit 2, 4 or 5, then two numbers of one to three
     * digits (RFC 3463 §2 {@code 1*3digit}). Nothing else is accepted, not even surrounding spaces.
     *
     * @throws IllegalArgumentException with the reason, when the text is not such a code
     */
    public static EnhancedStatus parse(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3 || parts[0].length() != 1 || !isNumber(parts[1]) || !isNumber(parts[2])) {
            throw new IllegalArgumentException("not an enhanced status code (class.subject.detail, such as 5.1.1): \""
                    + text + "\"");
        }
        char statusClass = parts[0].charAt(0);
        if (statusClass != '2' && statusClass != '4' && statusClass != '5') {
            throw new IllegalArgumentException("the class of an enhanced status code must be 2, 4 or 5: \"" + text + "\"");
        }
        return new EnhancedStatus(statusClass - '0', Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    /**
     * The code to use with a reply that carried none: its class with subject and detail 0, such as
     * {@code 5.0.0} for {@code 550} (what Postfix's SMTP client assumes, {@code smtp_chat.c}).
     *
     * @param replyCode a 2xx, 4xx or 5xx SMTP reply code
     * @throws IllegalArgumentException for other reply codes, which have no enhanced status class
     */
    public static EnhancedStatus defaultFor(int replyCode) {
        int statusClass = replyCode / 100;
        if (replyCode < 200 || replyCode > 599 || statusClass == 3) {
            throw new IllegalArgumentException("reply code " + replyCode + " has no enhanced status class");
        }
        return new EnhancedStatus(statusClass, 0, 0);
    }

    /** Class 2. */
    public boolean isSuccess() {
        return statusClass == 2;
    }

    /** Class 4: the same action may succeed later. */
    public boolean isTransient() {
        return statusClass == 4;
    }

    /** Class 5: repeating the same action will fail the same way. */
    public boolean isPermanent() {
        return statusClass == 5;
    }

    /** The same subject and detail with another class: {@code 5.7.1} becomes {@code 4.7.1}. */
    public EnhancedStatus withClass(int newClass) {
        return new EnhancedStatus(newClass, subject, detail);
    }

    @Override
    public String toString() {
        return statusClass + "." + subject + "." + detail;
    }

    private static boolean isNumber(String part) {
        if (part.isEmpty() || part.length() > 3) {
            return false;
        }
        for (int i = 0; i < part.length(); i++) {
            if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
