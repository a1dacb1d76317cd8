package dev.steward.control.core.change;

import dev.steward.control.core.LocalizedText;
import java.util.Objects;

/**
 * The outcome of a rule: allowed, or refused with a stable code and the reason in words.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface Decision permits Decision.Allowed, Decision.Refused {

    /** The single allowed value. */
    Decision ALLOWED = new Allowed();

    /** Whether the operation may go ahead. */
    default boolean allowed() {
        return this instanceof Allowed;
    }

    /** Allowed. */
    record Allowed() implements Decision {
    }

    /**
     * Refused.
     *
     * @param code a stable, machine-readable code (API), e.g. {@code storage_upgraded}
     * @param reason why, in Dutch and English, for the customer and the operator
     */
    record Refused(String code, LocalizedText reason) implements Decision {

        /** Both are required. */
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A refusal with its texts. */
    static Refused refused(String code, String nl, String en) {
        return new Refused(code, new LocalizedText(nl, en));
    }
}
