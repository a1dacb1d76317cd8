package dev.steward.control.store;

import dev.steward.control.core.ControlException;

/**
 * A record that was referred to by id or name does not exist.
 *
 * <p>Thread safety: immutable.
 */
public final class UnknownEntityException extends ControlException {

    private final String entity;
    private final String key;

    /**
     * @param entity what sort of thing, e.g. {@code server}
     * @param key the id or name that was looked for
     */
    public UnknownEntityException(String entity, Object key) {
        super("no " + entity + " " + key);
        this.entity = entity;
        this.key = String.valueOf(key);
    }

    /** What sort of thing. */
    public String entity() {
        return entity;
    }

    /** The id or name that was looked for. */
    public String key() {
        return key;
    }
}
