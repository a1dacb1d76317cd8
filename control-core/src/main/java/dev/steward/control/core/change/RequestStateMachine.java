package dev.steward.control.core.change;

import dev.steward.control.core.Actor;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The life of a package-change request.
 *
 * <pre>
 *   (customer or operator asks)
 *             │
 *             ▼
 *        REQUESTED ──refuse (operator)──▶ REFUSED
 *             │
 *       approve (operator)
 *             ▼
 *         APPROVED
 *             │
 *   schedule (operator or system)
 *             ▼
 *         SCHEDULED
 *             │
 *   complete (operator or agent)
 *             ▼
 *           DONE
 * </pre>
 *
 * <p>REFUSED and DONE are final. Any other action, or an action by the wrong sort of actor, is
 * refused with the reason in words. The store applies an allowed transition as a conditional
 * update on the state it read, so two control-plane instances cannot both apply it.
 *
 * <p>Thread safety: thread-safe (stateless).
 */
public final class RequestStateMachine {

    /** Creates the state machine; it holds no state. */
    public RequestStateMachine() {
    }

    /** Who may ask for a package change: the customer, or an operator on the customer's behalf. */
    public Decision mayRequest(Actor.Kind actor) {
        return actor == Actor.Kind.CUSTOMER || actor == Actor.Kind.OPERATOR
                ? Decision.ALLOWED
                : Decision.refused("actor_not_allowed",
                        "Alleen de klant of een operator kan een pakketwijziging aanvragen.",
                        "Only the customer or an operator can ask for a package change.");
    }

    /**
     * Whether {@code actor} may apply {@code action} to a request in state {@code current}.
     *
     * @return allowed, or refused with code {@code wrong_state} or {@code actor_not_allowed}
     */
    public Decision check(RequestState current, RequestAction action, Actor.Kind actor) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(actor, "actor");
        if (current != action.from()) {
            return Decision.refused("wrong_state",
                    "Een aanvraag in toestand " + dutch(current) + " kan niet " + dutch(action) + " worden"
                            + " (alleen in toestand " + dutch(action.from()) + ").",
                    "A request that is " + english(current) + " cannot be " + english(action)
                            + " (only one that is " + english(action.from()) + ").");
        }
        if (!allowedActors(action).contains(actor)) {
            return Decision.refused("actor_not_allowed",
                    "Alleen " + dutch(allowedActors(action)) + " kan een aanvraag " + dutch(action) + ".",
                    "Only " + english(allowedActors(action)) + " can mark a request " + english(action) + ".");
        }
        return Decision.ALLOWED;
    }

    /**
     * The state after {@code action}, or an exception with the reason.
     *
     * @throws InvalidTransitionException when {@link #check} refuses
     */
    public RequestState require(RequestState current, RequestAction action, Actor.Kind actor) {
        if (check(current, action, actor) instanceof Decision.Refused refused) {
            throw new InvalidTransitionException(refused);
        }
        return action.to();
    }

    /** Which sorts of actors may apply {@code action}. */
    public Set<Actor.Kind> allowedActors(RequestAction action) {
        return switch (action) {
            case APPROVE, REFUSE -> EnumSet.of(Actor.Kind.OPERATOR);
            case SCHEDULE -> EnumSet.of(Actor.Kind.OPERATOR, Actor.Kind.SYSTEM);
            case COMPLETE -> EnumSet.of(Actor.Kind.OPERATOR, Actor.Kind.AGENT);
        };
    }

    private static String english(RequestState state) {
        return switch (state) {
            case REQUESTED -> "requested";
            case APPROVED -> "approved";
            case REFUSED -> "refused";
            case SCHEDULED -> "scheduled";
            case DONE -> "done";
        };
    }

    private static String dutch(RequestState state) {
        return switch (state) {
            case REQUESTED -> "aangevraagd";
            case APPROVED -> "goedgekeurd";
            case REFUSED -> "geweigerd";
            case SCHEDULED -> "ingepland";
            case DONE -> "uitgevoerd";
        };
    }

    private static String english(RequestAction action) {
        return english(action.to());
    }

    private static String dutch(RequestAction action) {
        return switch (action) {
            case APPROVE -> "goedkeuren";
            case REFUSE -> "weigeren";
            case SCHEDULE -> "inplannen";
            case COMPLETE -> "als uitgevoerd markeren";
        };
    }

    private static String english(Set<Actor.Kind> kinds) {
        return String.join(" or ", kinds.stream().map(kind -> switch (kind) {
            case OPERATOR -> "an operator";
            case CUSTOMER -> "the customer";
            case AGENT -> "the server's agent";
            case SYSTEM -> "the control plane";
        }).toList());
    }

    private static String dutch(Set<Actor.Kind> kinds) {
        return String.join(" of ", kinds.stream().map(kind -> switch (kind) {
            case OPERATOR -> "een operator";
            case CUSTOMER -> "de klant";
            case AGENT -> "de agent van de server";
            case SYSTEM -> "het control plane";
        }).toList());
    }
}
