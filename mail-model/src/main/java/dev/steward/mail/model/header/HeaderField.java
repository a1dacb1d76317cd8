package dev.steward.mail.model.header;

import java.util.Objects;

/**
 * One header field: its name as written and its value unfolded (RFC 5322 §2.2.3: the CRLF of each
 * fold removed, the whitespace kept), with the whitespace after the colon stripped.
 *
 * <p>Thread safety: immutable.
 *
 * @param name the field name as written, e.g. {@code From}; compare it ignoring case
 * @param value the unfolded value, e.g. {@code "App" <app@app.example.test>}
 */
public record HeaderField(String name, String value) {

    public HeaderField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** True when this field has the given name, ignoring ASCII case (RFC 5322 §1.2.2). */
    public boolean hasName(String other) {
        return name.equalsIgnoreCase(other);
    }
}
