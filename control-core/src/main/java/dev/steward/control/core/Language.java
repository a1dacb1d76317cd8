package dev.steward.control.core;

import java.util.Locale;

/**
 * The languages Steward speaks to customers in: Dutch and English.
 *
 * <p>Thread safety: immutable.
 */
public enum Language {
    /** Dutch, the provider's home language. */
    NL,
    /** English. */
    EN;

    /** The ISO 639-1 code as stored and shown: {@code nl} or {@code en}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads an ISO 639-1 code, case-insensitively.
     *
     * @throws IllegalArgumentException for anything but {@code nl} or {@code en}
     */
    public static Language fromCode(String code) {
        if (code != null) {
            for (Language language : values()) {
                if (language.code().equalsIgnoreCase(code.strip())) {
                    return language;
                }
            }
        }
        throw new IllegalArgumentException("language must be nl or en, not " + code);
    }
}
