package dev.steward.relay.policy;

import dev.steward.mail.model.DomainName;
import dev.steward.mail.model.EmailAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * MAIL-2: a sender address must lie in one of the app's own domains, or in any subdomain of one.
 * Applies to the envelope sender (MAIL FROM) and to every address of the header From; the caller
 * asks once per address.
 *
 * <p>Comparison is on normalised {@link DomainName}s, so case and U-label/A-label spellings do not
 * matter, and on whole labels, so {@code evil-app.example.test} and
 * {@code app.example.test.evil.test} are not inside {@code app.example.test}.
 *
 * <p>Pure: no I/O, no logging; the caller logs the decision with the facts.
 *
 * <p>Thread safety: immutable, thread-safe.
 */
public final class SenderPolicy {

    private final List<DomainName> appDomains; // configured [intake] app_domains, duplicates removed

    /**
     * @param appDomains the app's domains, {@code [intake] app_domains}; at least one
     * @throws IllegalArgumentException when the list is empty
     */
    public SenderPolicy(List<DomainName> appDomains) {
        Objects.requireNonNull(appDomains, "appDomains");
        if (appDomains.isEmpty()) {
            throw new IllegalArgumentException("at least one app domain is required");
        }
        this.appDomains = List.copyOf(new LinkedHashSet<>(appDomains));
    }

    /** The configured domains, in configuration order, without duplicates. */
    public List<DomainName> appDomains() {
        return appDomains;
    }

    /** True when the address's domain is an app domain or lies below one at any depth. */
    public boolean allows(EmailAddress address) {
        Objects.requireNonNull(address, "address");
        return appDomains.stream().anyMatch(appDomain -> address.domain().isSameOrSubdomainOf(appDomain));
    }

    /**
     * The allowed domains in words for a refusal text, Unicode form first when a domain has one:
     * {@code app.example.test or its subdomains},
     * {@code one of bücher.example (xn--bcher-kva.example), app.example.test or their subdomains}.
     *
     * <p>This text is not ASCII when an app domain is internationalised; use
     * {@link #allowedDomainsAsciiText()} for a reply to a client that did not ask for SMTPUTF8
     * (RFC 5321 §4.2 reply text is ASCII; RFC 6531 §3.7.4.2).
     */
    public String allowedDomainsText() {
        return describe(domain -> domain.isInternationalized()
                ? domain.unicode() + " (" + domain.ascii() + ")"
                : domain.ascii());
    }

    /** As {@link #allowedDomainsText()} but with A-labels only, for ASCII-only SMTP replies. */
    public String allowedDomainsAsciiText() {
        return describe(DomainName::ascii);
    }

    private String describe(Function<DomainName, String> spelling) {
        if (appDomains.size() == 1) {
            return spelling.apply(appDomains.get(0)) + " or its subdomains";
        }
        List<String> names = new ArrayList<>();
        for (DomainName domain : appDomains) {
            names.add(spelling.apply(domain));
        }
        return "one of " + String.join(", ", names) + " or their subdomains";
    }

    @Override
    public String toString() {
        return "SenderPolicy[" + allowedDomainsAsciiText() + "]";
    }
}
