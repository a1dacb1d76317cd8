package dev.steward.dnscheck;

import dev.steward.mail.dkim.DkimKeyRecord;
import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dkim.DkimTxtRecord;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.Resolver;
import dev.steward.mail.model.DomainName;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DNS-3: the TXT record at {@code <selector>._domainkey.<app host>} must be present, parse as a DKIM
 * key record (RFC 6376 §3.6.1: {@code v=DKIM1}, {@code k=}, {@code p=}), not be revoked (empty
 * {@code p=}), and hold the server's public key. When it is absent or different, the finding carries
 * the record to publish (from the server's key, as {@code steward dkim keygen} prints it).
 *
 * <p>More than one TXT record at the name is a FAIL: a verifier may use any of them (RFC 6376
 * §3.6.2.2), so mail would verify only some of the time.
 *
 * <p>Thread safety: stateless apart from the resolver; thread-safe.
 */
final class DkimCheck {

    private final Resolver resolver;

    DkimCheck(Resolver resolver) {
        this.resolver = resolver;
    }

    List<Finding> check(DomainName appHost, String selector, PublicKey serverKey) {
        String owner = selector + "._domainkey." + appHost.ascii();
        DkimTxtRecord expected = serverKey == null ? null : DkimKeys.txtRecord(appHost, selector, serverKey);
        List<RecordChange> publish = expected == null ? List.of()
                : List.of(RecordChange.publish(expected.owner(), "TXT", expected.value()));
        String noKeyAdvice = expected == null
                ? " Publish the server's key (steward dkim record on the server prints it; give its public key file"
                        + " with --dkim-public-key to see the record here)."
                : " Publish the record below.";
        DnsAnswer<String> answer = resolver.txt(owner);
        if (answer instanceof DnsAnswer.TempFail<String> failure) {
            return List.of(Finding.unchecked("dkim.lookup-failed", owner,
                    "Could not look up the DKIM key record.", List.of(Lookups.failed("TXT", owner, failure))));
        }
        List<String> values = answer instanceof DnsAnswer.Records<String> records ? records.records() : List.of();
        if (values.isEmpty()) {
            return List.of(Finding.fail("dkim.missing", owner, List.of(),
                    "There is no DKIM key record at " + owner + ", so receivers cannot verify the signature the server"
                            + " puts on every message." + noKeyAdvice, publish));
        }
        if (values.size() > 1) {
            List<RecordChange> records = new ArrayList<>();
            for (String value : values) {
                if (expected == null || !value.equals(expected.value())) {
                    records.add(RecordChange.remove(owner, "TXT", value));
                }
            }
            if (expected != null && !values.contains(expected.value())) {
                records.addAll(publish);
            }
            return List.of(Finding.fail("dkim.multiple", owner, values,
                    owner + " has " + values.size() + " TXT records; receivers may pick any of them (RFC 6376 §3.6.2.2),"
                            + " so verification would fail some of the time. Keep exactly one: the server's key.",
                    records));
        }
        String value = values.getFirst();
        List<RecordChange> replace = new ArrayList<>();
        replace.add(RecordChange.remove(owner, "TXT", value));
        replace.addAll(publish);
        DkimKeyRecord record;
        try {
            record = DkimKeyRecord.parse(value);
        } catch (IllegalArgumentException invalid) {
            return List.of(Finding.fail("dkim.invalid", owner, values,
                    "The DKIM key record does not parse: " + invalid.getMessage() + "." + noKeyAdvice,
                    expected == null ? List.of() : replace));
        }
        if (record.revoked()) {
            return List.of(Finding.fail("dkim.revoked", owner, values,
                    "The DKIM key record is revoked (empty p=), so every signature fails." + noKeyAdvice,
                    expected == null ? List.of() : replace));
        }
        String testing = record.testing() ? " It is marked t=y (testing): receivers may ignore DKIM failures." : "";
        if (serverKey == null) {
            return List.of(Finding.ok("dkim.present", owner, values,
                    "A valid DKIM key record (k=" + record.keyType() + ") is published; it was not compared with the"
                            + " server's key (give --dkim-public-key FILE to compare)." + testing));
        }
        if (!Arrays.equals(record.publicKey().getEncoded(), serverKey.getEncoded())) {
            return List.of(Finding.fail("dkim.key-mismatch", owner, values,
                    "The published DKIM key is not the server's key, so every message the server signs fails DKIM"
                            + " verification. Replace the record with the one below.", replace));
        }
        return List.of(Finding.ok("dkim.ok", owner, values,
                "The DKIM key record is valid and holds the server's " + record.keyType() + " key." + testing));
    }
}
