package dev.steward.control.store;

import dev.steward.control.core.ControlException;

/**
 * A name that must be unique is taken: a customer name, a login, an application slug, a server
 * name, an address.
 *
 * <p>Thread safety: immutable.
 */
public final class DuplicateNameException extends ControlException {

    private final String entity;
    private final String name;

    /**
     * @param entity what sort of thing, e.g. {@code server}
     * @param name the name that is taken
     * @param cause the database's unique violation
     */
    public DuplicateNameException(String entity, String name, Throwable cause) {
        super(entity + " '" + name + "' already exists", cause);
        this.entity = entity;
        this.name = name;
    }

    /** What sort of thing. */
    public String entity() {
        return entity;
    }

    /** The name that is taken. */
    public String name() {
        return name;
    }
}
