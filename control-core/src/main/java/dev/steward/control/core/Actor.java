package dev.steward.control.core;

import java.util.Objects;

/**
 * Who makes a change: recorded in the audit log and checked by the request state machine (only an
 * operator approves, only an operator or an agent marks done).
 *
 * <p>Thread safety: immutable.
 *
 * @param kind what sort of actor
 * @param name a stable, human-readable identity: the login of an account, the server name of an
 *     agent, the name of a system task
 */
public record Actor(Kind kind, String name) {

    /** The sorts of actors. */
    public enum Kind {
        /** A provider's operator (a person with an operator account). */
        OPERATOR,
        /** A customer's account. */
        CUSTOMER,
        /** The agent on an application server, reporting work it carried out. */
        AGENT,
        /** The control plane itself (migrations, housekeeping, bootstrap). */
        SYSTEM
    }

    /** Name is required, at most 200 characters. */
    public Actor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("actor name must be 1..200 characters");
        }
    }

    /** An operator, by login. */
    public static Actor operator(String login) {
        return new Actor(Kind.OPERATOR, login);
    }

    /** A customer account, by login. */
    public static Actor customer(String login) {
        return new Actor(Kind.CUSTOMER, login);
    }

    /** The agent of a server, by server name. */
    public static Actor agent(String serverName) {
        return new Actor(Kind.AGENT, serverName);
    }

    /** The control plane itself, by task name. */
    public static Actor system(String task) {
        return new Actor(Kind.SYSTEM, task);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
    }
}
