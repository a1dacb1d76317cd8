package dev.steward.dnscheck;

import dev.steward.dnscheck.spf.SpfProposal;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One result of the DNS check: what was looked at, how it came out, why in plain words, and the
 * records that would fix it.
 *
 * <p>Codes are stable API (scripts and the control plane match on them): {@code <check>.<outcome>},
 * e.g. {@code address.cname}, {@code dkim.key-mismatch}, {@code dmarc.policy-none}. The check is the
 * part before the first dot ({@link #check()}). Messages are for people and may be reworded.
 *
 * <p>Thread safety: immutable.
 *
 * @param severity OK, WARN, FAIL, or UNCHECKED when a lookup failed temporarily
 * @param code the stable code, {@code <check>.<outcome>}
 * @param name the DNS name (or address) checked, e.g. {@code _dmarc.app.example.org} or {@code 192.0.2.10}
 * @param current what DNS holds now, one element per record as the customer would read it
 *     ({@code CNAME srv1.example.net}, {@code A 192.0.2.10}, a TXT value); empty when there is none
 * @param message the reason in plain words, with the advice when something should change
 * @param failedLookups the lookups that failed temporarily, e.g. {@code TXT _dmarc.app.example.org: SERVFAIL
 *     from 127.0.0.1:53}; non-empty exactly when the severity is UNCHECKED
 * @param records the records to remove and to publish, in the order to apply them; may be empty
 */
public record Finding(
        Severity severity,
        String code,
        String name,
        List<String> current,
        String message,
        List<String> failedLookups,
        List<RecordChange> records) {

    /**
     * Every code a finding can have: the closed set that scripts and the control plane's pages (which
     * word each code in the customer's language) rely on. A finding with another code is a bug, and
     * refused.
     */
    public static final Set<String> CODES = codes();

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(message, "message");
        current = List.copyOf(current);
        failedLookups = List.copyOf(failedLookups);
        records = List.copyOf(records);
        if (!CODES.contains(code)) {
            throw new IllegalArgumentException("finding code \"" + code + "\" is not one of Finding.CODES");
        }
        if ((severity == Severity.UNCHECKED) != !failedLookups.isEmpty()) {
            throw new IllegalArgumentException("failed lookups go with UNCHECKED, and only with it: " + code);
        }
    }

    /** The check this finding belongs to: {@code address}, {@code server}, {@code spf}, {@code dkim}, {@code dmarc}, {@code reverse}. */
    public String check() {
        return code.substring(0, code.indexOf('.'));
    }

    private static Set<String> codes() {
        Set<String> codes = new TreeSet<>(List.of(
                "address.cname", "address.lookup-failed",
                "address.a-ok", "address.a-missing", "address.a-wrong",
                "address.aaaa-ok", "address.aaaa-missing", "address.aaaa-wrong",
                "server.address-missing", "server.lookup-failed",
                "spf.pass", "spf.not-pass", "spf.lookup-failed",
                "dkim.ok", "dkim.present", "dkim.missing", "dkim.key-mismatch", "dkim.invalid", "dkim.multiple",
                "dkim.revoked", "dkim.lookup-failed",
                "dmarc.policy", "dmarc.policy-none", "dmarc.alignment", "dmarc.missing", "dmarc.invalid",
                "dmarc.multiple", "dmarc.lookup-failed",
                "reverse.ok", "reverse.missing", "reverse.unconfirmed", "reverse.lookup-failed"));
        for (SpfProposal.Warning.Kind kind : SpfProposal.Warning.Kind.values()) {
            codes.add(spfWarningCode(kind));
        }
        return Collections.unmodifiableSet(codes);
    }

    /** The code of an SPF proposal's warning, e.g. {@code spf.lookup-limit}. */
    static String spfWarningCode(SpfProposal.Warning.Kind kind) {
        return "spf." + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Finding ok(String code, String name, List<String> current, String message) {
        return new Finding(Severity.OK, code, name, current, message, List.of(), List.of());
    }

    static Finding warn(String code, String name, List<String> current, String message, List<RecordChange> records) {
        return new Finding(Severity.WARN, code, name, current, message, List.of(), records);
    }

    static Finding fail(String code, String name, List<String> current, String message, List<RecordChange> records) {
        return new Finding(Severity.FAIL, code, name, current, message, List.of(), records);
    }

    static Finding unchecked(String code, String name, String message, List<String> failedLookups) {
        return new Finding(Severity.UNCHECKED, code, name, List.of(), message, failedLookups, List.of());
    }
}
