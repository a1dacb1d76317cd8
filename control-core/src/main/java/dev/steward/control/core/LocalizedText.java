package dev.steward.control.core;

import java.util.Objects;

/**
 * A sentence in both languages Steward speaks, so that a refusal can be shown to a Dutch and an
 * English customer alike.
 *
 * <p>Thread safety: immutable.
 *
 * @param nl the Dutch text
 * @param en the English text
 */
public record LocalizedText(String nl, String en) {

    /** Both texts are required and not blank. */
    public LocalizedText {
        Objects.requireNonNull(nl, "nl");
        Objects.requireNonNull(en, "en");
        if (nl.isBlank() || en.isBlank()) {
            throw new IllegalArgumentException("both texts are required");
        }
    }

    /** The text in {@code language}. */
    public String in(Language language) {
        return language == Language.NL ? nl : en;
    }
}
