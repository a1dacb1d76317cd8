package dev.steward.dnscheck;

import java.util.List;
import java.util.Objects;

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

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(message, "message");
        current = List.copyOf(current);
        failedLookups = List.copyOf(failedLookups);
        records = List.copyOf(records);
        if (!code.matches("[a-z0-9]+\\.[a-z0-9-]+")) {
            throw new IllegalArgumentException("finding code \"" + code + "\" is not <check>.<outcome>");
        }
        if ((severity == Severity.UNCHECKED) != !failedLookups.isEmpty()) {
            throw new IllegalArgumentException("failed lookups go with UNCHECKED, and only with it: " + code);
        }
    }

    /** The check this finding belongs to: {@code address}, {@code server}, {@code spf}, {@code dkim}, {@code dmarc}, {@code reverse}. */
    public String check() {
        return code.substring(0, code.indexOf('.'));
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
