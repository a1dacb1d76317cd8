package dev.steward.dnscheck;

import static dev.steward.dnscheck.DnsCheckTest.only;
import static dev.steward.dnscheck.DnsCheckTest.run;
import static dev.steward.dnscheck.Zones.APP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dkim.DkimTxtRecord;
import dev.steward.mail.model.DomainName;
import dev.steward.testkit.DnsZone;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;

class DkimCheckTest {

    static final String OWNER = "nexx._domainkey." + APP;

    static DnsZone.Builder without() {
        return Zones.dmarc(Zones.spf(Zones.addresses(Zones.server(DnsZone.builder()))));
    }

    @Test
    void matchingKey_ok() {
        Finding finding = only(run(Zones.good()), "dkim");

        assertThat(finding.code()).isEqualTo("dkim.ok");
        assertThat(finding.name()).isEqualTo(OWNER);
        assertThat(finding.current()).containsExactly(Zones.dkimRecord(Zones.key()).value());
    }

    @Test
    void missing_failWithRecordToPublish() {
        Finding finding = only(run(without()), "dkim");

        assertThat(finding.code()).isEqualTo("dkim.missing");
        assertThat(finding.severity()).isEqualTo(Severity.FAIL);
        DkimTxtRecord expected = Zones.dkimRecord(Zones.key());
        assertThat(finding.records()).containsExactly(RecordChange.publish(OWNER, "TXT", expected.value()));
    }

    @Test
    void missing_withoutServerKey_failTellsHowToGetTheRecord() {
        DnsCheckRequest request = new DnsCheckRequest(DomainName.parse(APP), DomainName.parse(Zones.SERVER), null, null,
                "nexx", null);

        Finding finding = only(run(without(), request), "dkim");

        assertThat(finding.code()).isEqualTo("dkim.missing");
        assertThat(finding.records()).isEmpty();
        assertThat(finding.message()).contains("--dkim-public-key");
    }

    @Test
    void otherKey_keyMismatch_replaceRecord() {
        DkimTxtRecord other = Zones.dkimRecord(Zones.OTHER_KEY.getPublic());
        DnsZone.Builder zone = without().txt(OWNER, other.value());

        Finding finding = only(run(zone), "dkim");

        assertThat(finding.code()).isEqualTo("dkim.key-mismatch");
        assertThat(finding.records()).containsExactly(RecordChange.remove(OWNER, "TXT", other.value()),
                RecordChange.publish(OWNER, "TXT", Zones.dkimRecord(Zones.key()).value()));
    }

    @Test
    void rsaKeySplitAcrossStrings_joinedAndMatched_recordToPublishIsSplit() {
        PublicKey rsa = DkimKeys.generateRsa().getPublic();
        DkimTxtRecord record = DkimKeys.txtRecord(DomainName.parse(APP), "nexx", rsa);
        DnsCheckRequest request = new DnsCheckRequest(DomainName.parse(APP), DomainName.parse(Zones.SERVER), null, null,
                "nexx", rsa);

        Finding ok = only(run(without().txt(OWNER, record.strings().toArray(String[]::new)), request), "dkim");
        Finding missing = only(run(without(), request), "dkim");

        assertThat(ok.code()).isEqualTo("dkim.ok");
        RecordChange publish = missing.records().getFirst();
        assertThat(publish.value()).isEqualTo(record.value()).hasSizeGreaterThan(255);
        assertThat(publish.isSplit()).isTrue();
        assertThat(publish.strings()).allSatisfy(string -> assertThat(string.length()).isLessThanOrEqualTo(255));
        assertThat(String.join("", publish.strings())).isEqualTo(record.value());
    }

    @Test
    void revoked_fail() {
        Finding finding = only(run(without().txt(OWNER, "v=DKIM1; k=ed25519; p=")), "dkim");

        assertThat(finding.code()).isEqualTo("dkim.revoked");
        assertThat(finding.records()).hasSize(2);
    }

    @Test
    void unparsable_failWithReason() {
        Finding finding = only(run(without().txt(OWNER, "v=DKIM2; p=abc")), "dkim");

        assertThat(finding.code()).isEqualTo("dkim.invalid");
        assertThat(finding.message()).contains("DKIM1");
    }

    @Test
    void twoRecords_failKeepOnlyTheServers() {
        String good = Zones.dkimRecord(Zones.key()).value();
        String other = Zones.dkimRecord(Zones.OTHER_KEY.getPublic()).value();

        Finding finding = only(run(without().txt(OWNER, good).txt(OWNER, other)), "dkim");

        assertThat(finding.code()).isEqualTo("dkim.multiple");
        assertThat(finding.records()).containsExactly(RecordChange.remove(OWNER, "TXT", other));
    }

    @Test
    void noServerKeyGiven_validRecord_okButNotCompared() {
        DnsCheckRequest request = new DnsCheckRequest(DomainName.parse(APP), DomainName.parse(Zones.SERVER), null, null,
                "nexx", null);

        Finding finding = only(run(Zones.good(), request), "dkim");

        assertThat(finding.code()).isEqualTo("dkim.present");
        assertThat(finding.severity()).isEqualTo(Severity.OK);
        assertThat(finding.message()).contains("not compared");
    }

    @Test
    void otherSelector_looksThere() {
        DnsCheckRequest request = new DnsCheckRequest(DomainName.parse(APP), DomainName.parse(Zones.SERVER), null, null,
                "s2026", Zones.key());

        Finding finding = only(run(Zones.good(), request), "dkim");

        assertThat(finding.code()).isEqualTo("dkim.missing");
        assertThat(finding.name()).isEqualTo("s2026._domainkey." + APP);
    }

    @Test
    void lookupFails_unchecked() {
        Finding finding = only(run(Zones.good().drop(OWNER, "TXT")), "dkim");

        assertThat(finding.code()).isEqualTo("dkim.lookup-failed");
        assertThat(finding.failedLookups()).containsExactly("TXT " + OWNER + ": timed out (scripted)");
    }
}
