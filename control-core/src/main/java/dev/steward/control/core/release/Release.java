package dev.steward.control.core.release;

import dev.steward.control.core.version.Classification;
import java.time.Instant;
import java.util.Objects;

/**
 * A release of a catalogue application, as stored ({@code app_release}).
 *
 * <p>Thread safety: immutable.
 *
 * @param id the store's identity
 * @param applicationId the catalogue application
 * @param previousVersion the catalogue's current version when it was registered, or null when the
 *     application had none
 * @param classification the raw class of previous → this version and how customers are told
 * @param terms version, texts, flags and sizes
 * @param source operator or feed
 * @param state where it is
 * @param registeredBy the actor who registered it
 * @param registeredAt when
 * @param testPassedAt when the last test server succeeded, or null
 * @param soakUntil when the soak time ends, or null
 * @param approvedBy the operator who approved it (skipping the soak or the test stage), or null
 * @param approvedAt when, or null
 * @param plannedAt when the rollout was planned (notices sent), or null
 * @param finishedAt when it reached a final state, or null
 * @param haltReason why it stopped (test failure, halt, cancellation), or null
 */
public record Release(long id, long applicationId, String previousVersion, Classification classification,
                      ReleaseTerms terms, ReleaseSource source, ReleaseState state, String registeredBy,
                      Instant registeredAt, Instant testPassedAt, Instant soakUntil, String approvedBy,
                      Instant approvedAt, Instant plannedAt, Instant finishedAt, String haltReason) {

    /** Required parts non-null. */
    public Release {
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(terms, "terms");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(registeredBy, "registeredBy");
        Objects.requireNonNull(registeredAt, "registeredAt");
    }

    /** @return the version text */
    public String version() {
        return terms.version();
    }

    /**
     * Whether customers get a notice (MAINT-3, UPD-3, UPD-4, MAINT-4): announced as major or minor,
     * or any security fix (an emergency slot is outside the weekly windows customers know, so they
     * are told, without the week's notice period). A plain patch sends nothing.
     */
    public boolean needsNotice() {
        return terms.security() || classification.needsNotice();
    }
}
