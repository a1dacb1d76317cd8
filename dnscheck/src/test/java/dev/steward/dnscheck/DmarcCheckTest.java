package dev.steward.dnscheck;

import static dev.steward.dnscheck.DnsCheckTest.codes;
import static dev.steward.dnscheck.DnsCheckTest.run;
import static dev.steward.dnscheck.Zones.APP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.testkit.DnsZone;
import org.junit.jupiter.api.Test;

class DmarcCheckTest {

    static DnsZone.Builder without() {
        return Zones.dkim(Zones.spf(Zones.addresses(Zones.server(DnsZone.builder()))));
    }

    @Test
    void organizationalDomainRecord_quarantine_okWithRelaxedAlignmentExplained() {
        DnsReport report = run(Zones.good());

        assertThat(codes(report, "dmarc")).containsExactly("dmarc.policy", "dmarc.alignment");
        Finding policy = report.findings("dmarc").get(0);
        assertThat(policy.name()).isEqualTo("_dmarc.example.test");
        assertThat(policy.message()).contains("p=quarantine of the organisational domain");
        Finding alignment = report.findings("dmarc").get(1);
        assertThat(alignment.severity()).isEqualTo(Severity.OK);
        assertThat(alignment.message()).contains("d=" + APP).contains("relaxed").contains("example.test");
    }

    @Test
    void appHostRecordWins_overOrganizationalDomain() {
        DnsReport report = run(Zones.good().txt("_dmarc." + APP, "v=DMARC1; p=reject"));

        Finding policy = report.findings("dmarc").getFirst();
        assertThat(policy.name()).isEqualTo("_dmarc." + APP);
        assertThat(policy.message()).contains("p=reject").contains("reject mail");
    }

    @Test
    void subdomainPolicyOfOrganizationalDomain_applies() {
        DnsReport report = run(without().txt("_dmarc.example.test", "v=DMARC1; p=reject; sp=none"));

        Finding policy = report.findings("dmarc").getFirst();
        assertThat(policy.code()).isEqualTo("dmarc.policy-none");
        assertThat(policy.message()).contains("sp=none");
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void policyNone_warnWithAdvice() {
        DnsReport report = run(without().txt("_dmarc." + APP, "v=DMARC1; p=none; rua=mailto:d@example.test"));

        Finding policy = report.findings("dmarc").getFirst();
        assertThat(policy.code()).isEqualTo("dmarc.policy-none");
        assertThat(policy.severity()).isEqualTo(Severity.WARN);
        assertThat(policy.message()).contains("p=quarantine");
    }

    @Test
    void strictAlignment_warnExplainsSubdomainFrom() {
        DnsReport report = run(without().txt("_dmarc." + APP, "v=DMARC1; p=reject; adkim=s"));

        Finding alignment = report.findings("dmarc").get(1);
        assertThat(alignment.severity()).isEqualTo(Severity.WARN);
        assertThat(alignment.message()).contains("adkim=s").contains("subdomain").doesNotContain("aspf=s");
    }

    @Test
    void missing_warnWithRecordForTheAppHost() {
        DnsReport report = run(without().txt("_dmarc." + APP, "some other text record"));

        Finding missing = report.findings("dmarc").getFirst();
        assertThat(missing.code()).isEqualTo("dmarc.missing");
        assertThat(missing.message()).contains("_dmarc.example.test");
        assertThat(missing.records()).containsExactly(RecordChange.publish("_dmarc." + APP, "TXT", DmarcCheck.PROPOSED));
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void invalid_failWithReason() {
        DnsReport report = run(without().txt("_dmarc." + APP, "v=DMARC1; sp=reject; p=reject"));

        Finding invalid = report.findings("dmarc").getFirst();
        assertThat(invalid.code()).isEqualTo("dmarc.invalid");
        assertThat(invalid.message()).contains("p= must come directly after v=DMARC1");
        assertThat(invalid.records()).hasSize(2);
        assertThat(report.exitCode()).isEqualTo(1);
    }

    @Test
    void twoRecords_fail() {
        DnsReport report = run(without().txt("_dmarc." + APP, "v=DMARC1; p=reject").txt("_dmarc." + APP, "v=DMARC1; p=none"));

        assertThat(codes(report, "dmarc")).containsExactly("dmarc.multiple");
    }

    @Test
    void organizationalLookupFails_uncheckedNotMissing() {
        DnsReport report = run(without().servfail("_dmarc.example.test"));

        Finding failed = report.findings("dmarc").getFirst();
        assertThat(failed.code()).isEqualTo("dmarc.lookup-failed");
        assertThat(failed.failedLookups()).containsExactly("TXT _dmarc.example.test: SERVFAIL (scripted)");
    }
}
