package dev.steward.dnscheck;

import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dkim.DkimTxtRecord;
import dev.steward.mail.model.DomainName;
import dev.steward.testkit.DnsZone;
import java.security.KeyPair;
import java.security.PublicKey;

/** The test world: app host, server and their records, correct unless a test changes a piece. */
final class Zones {

    static final String APP = "app.example.test";
    static final String SERVER = "srv1.provider.test";
    static final String IPV4 = "192.0.2.10";
    static final String IPV6 = "2001:db8::10";
    static final KeyPair KEY = DkimKeys.generateEd25519();
    static final KeyPair OTHER_KEY = DkimKeys.generateEd25519();

    private Zones() {
    }

    static PublicKey key() {
        return KEY.getPublic();
    }

    static DkimTxtRecord dkimRecord(PublicKey key) {
        return DkimKeys.txtRecord(DomainName.parse(APP), "nexx", key);
    }

    static DnsZone.Builder server(DnsZone.Builder zone) {
        return zone.a(SERVER, IPV4).aaaa(SERVER, IPV6).ptr(IPV4, SERVER).ptr(IPV6, SERVER);
    }

    static DnsZone.Builder addresses(DnsZone.Builder zone) {
        return zone.a(APP, IPV4).aaaa(APP, IPV6);
    }

    static DnsZone.Builder spf(DnsZone.Builder zone) {
        return zone.txt(APP, "v=spf1 ip4:" + IPV4 + " ip6:" + IPV6 + " -all");
    }

    static DnsZone.Builder dkim(DnsZone.Builder zone) {
        DkimTxtRecord record = dkimRecord(key());
        return zone.txt(record.owner(), record.strings().toArray(String[]::new));
    }

    static DnsZone.Builder dmarc(DnsZone.Builder zone) {
        return zone.txt("_dmarc.example.test", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.test");
    }

    /** Everything correct. */
    static DnsZone.Builder good() {
        return dmarc(dkim(spf(addresses(server(DnsZone.builder())))));
    }

    static DnsCheckRequest request() {
        return new DnsCheckRequest(DomainName.parse(APP), DomainName.parse(SERVER), null, null, "nexx", key());
    }
}
