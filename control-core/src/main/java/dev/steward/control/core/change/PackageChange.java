package dev.steward.control.core.change;

import java.time.Instant;
import java.util.Objects;

/**
 * One package-change request and its history so far.
 *
 * <p>Thread safety: immutable.
 *
 * @param id the store's identity
 * @param serverId the server it changes
 * @param kind what it asks for
 * @param state where it is in {@link RequestStateMachine}
 * @param requestedBy who asked (actor text, e.g. {@code customer:jan@example.be})
 * @param requestedAt when
 * @param decidedBy the operator who approved or refused; {@code null} while requested
 * @param decidedAt when; {@code null} while requested
 * @param refusalReason the operator's reason when refused; {@code null} otherwise
 * @param scheduledFor the planned moment; {@code null} before scheduling
 * @param doneBy who carried it out; {@code null} until done
 * @param doneAt when; {@code null} until done
 * @param assignedAddress the address assigned by an extra-address change; {@code null} otherwise
 */
public record PackageChange(long id, long serverId, PackageChangeKind kind, RequestState state, String requestedBy,
                            Instant requestedAt, String decidedBy, Instant decidedAt, String refusalReason,
                            Instant scheduledFor, String doneBy, Instant doneAt, String assignedAddress) {

    /** Kind, state and the request's origin are required. */
    public PackageChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }
}
