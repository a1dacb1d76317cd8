package dev.steward.control.core;

import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A customer of the provider: the owner of one or more application servers.
 *
 * <p>Thread safety: immutable.
 *
 * @param id the store's identity; {@code 0} for a customer not stored yet
 * @param name the customer's name as shown to operators (unique), 1..200 characters
 * @param contacts the addresses notices are mailed to, at least one, without duplicates
 * @param language the language of notices and of the web UI
 * @param timeZone the zone maintenance times are shown in; {@link #DEFAULT_ZONE} by default
 */
public record Customer(long id, String name, List<String> contacts, Language language, ZoneId timeZone) {

    /** The provider's zone: maintenance windows are defined in Belgian local time. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/Brussels");

    // Deliberately simple: the mail module validates addresses fully when it sends.
    private static final Pattern CONTACT = Pattern.compile("[^@\\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+");

    /** Validates every field; the message names the field and the rule. */
    public Customer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(timeZone, "timeZone");
        name = name.strip();
        if (name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("customer name must be 1..200 characters");
        }
        contacts = List.copyOf(contacts);
        if (contacts.isEmpty()) {
            throw new IllegalArgumentException("a customer needs at least one contact address");
        }
        if (contacts.stream().map(String::toLowerCase).distinct().count() != contacts.size()) {
            throw new IllegalArgumentException("contact addresses must not repeat: " + contacts);
        }
        for (String contact : contacts) {
            if (contact.length() > 254 || !CONTACT.matcher(contact).matches()) {
                throw new IllegalArgumentException("not a contact address: " + contact);
            }
        }
    }

    /** A new customer, not stored yet, in the default time zone. */
    public static Customer of(String name, List<String> contacts, Language language) {
        return new Customer(0, name, contacts, language, DEFAULT_ZONE);
    }

    /** This customer with the store's identity. */
    public Customer withId(long newId) {
        return new Customer(newId, name, contacts, language, timeZone);
    }
}
