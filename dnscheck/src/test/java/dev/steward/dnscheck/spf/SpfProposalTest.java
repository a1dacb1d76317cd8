package dev.steward.dnscheck.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.dnscheck.spf.SpfProposal.Action;
import dev.steward.dnscheck.spf.SpfProposal.Warning.Kind;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpfProposalTest {

    private static final InetAddress V4 = IpAddresses.byAddress(IpAddresses.parseIpv4("233.252.0.1"));
    private static final InetAddress V6 = IpAddresses.byAddress(IpAddresses.parseIpv6("2001:db8::1"));

    /** Existing records (separated by " | "; empty for none), the addresses given, and the expected outcome. */
    @ParameterizedTest(name = "{0} [{1}] -> {3}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
        // no record: a new one
        "- ; both ; CREATE ; v=spf1 a ip4:233.252.0.1 ip6:2001:db8::1 ~all",
        "- ; v4   ; CREATE ; v=spf1 a ip4:233.252.0.1 ~all",
        "- ; v6   ; CREATE ; v=spf1 a ip6:2001:db8::1 ~all",
        // inserted before the final all, every other term as written
        "v=spf1 include:_spf.google.com ~all ; both ; UPDATE ; v=spf1 include:_spf.google.com ip4:233.252.0.1 ip6:2001:db8::1 ~all",
        "v=spf1 a mx -all ; both ; UPDATE ; v=spf1 a mx ip4:233.252.0.1 ip6:2001:db8::1 -all",
        "v=spf1 MX Include:_spf.Example.COM ~ALL ; both ; UPDATE ; v=spf1 MX Include:_spf.Example.COM ip4:233.252.0.1 ip6:2001:db8::1 ~ALL",
        "v=spf1 -all exp=explain.%{d} ; both ; UPDATE ; v=spf1 ip4:233.252.0.1 ip6:2001:db8::1 -all exp=explain.%{d}",
        "v=spf1 +all ; both ; UPDATE ; v=spf1 ip4:233.252.0.1 ip6:2001:db8::1 +all",
        "v=spf1 mx ?all ; v4 ; UPDATE ; v=spf1 mx ip4:233.252.0.1 ?all",
        // no all: before redirect=, else at the end
        "v=spf1 mx redirect=_spf.example.net ; both ; UPDATE ; v=spf1 mx ip4:233.252.0.1 ip6:2001:db8::1 redirect=_spf.example.net",
        "v=spf1 mx ; both ; UPDATE ; v=spf1 mx ip4:233.252.0.1 ip6:2001:db8::1",
        // an address already there, or inside a CIDR: nothing added for that family
        "v=spf1 ip4:233.252.0.1 ~all ; both ; UPDATE ; v=spf1 ip4:233.252.0.1 ip6:2001:db8::1 ~all",
        "v=spf1 +ip4:233.252.0.0/24 ip6:2001:db8::/32 -all ; both ; KEEP ; v=spf1 +ip4:233.252.0.0/24 ip6:2001:db8::/32 -all",
        "v=spf1  ip4:233.252.0.1   -all ; v4 ; KEEP ; v=spf1  ip4:233.252.0.1   -all",
        "v=spf1 ip6:2001:DB8:0:0::/64 ~all ; both ; UPDATE ; v=spf1 ip6:2001:DB8:0:0::/64 ip4:233.252.0.1 ~all",
        // only one family given: the other family is left alone
        "v=spf1 mx ~all ; v6 ; UPDATE ; v=spf1 mx ip6:2001:db8::1 ~all",
        // a denying term for the address: the added term goes in, with a warning (tested below)
        "v=spf1 -ip4:233.252.0.0/16 ~all ; v4 ; UPDATE ; v=spf1 -ip4:233.252.0.0/16 ip4:233.252.0.1 ~all",
        // two records: one merged record
        "v=spf1 a ~all | v=spf1 include:spf.mailer.example -all ; both ; MERGE ; v=spf1 a include:spf.mailer.example ip4:233.252.0.1 ip6:2001:db8::1 ~all",
        "v=spf1 mx | v=spf1 a mx -all exp=x.example.com ; v4 ; MERGE ; v=spf1 mx a ip4:233.252.0.1 -all exp=x.example.com",
        // TXT records that are not SPF are ignored
        "google-site-verification=abc | v=spf1 -all ; both ; UPDATE ; v=spf1 ip4:233.252.0.1 ip6:2001:db8::1 -all",
    })
    void proposals(String existing, String family, Action action, String expected) {
        SpfProposal proposal = SpfProposal.propose(records(existing),
                family.equals("v6") ? null : V4, family.equals("v4") ? null : V6);
        assertThat(proposal.action()).isEqualTo(action);
        assertThat(proposal.record()).isEqualTo(expected);
        assertThat(proposal.zoneFileStrings()).containsExactly(expected);
        assertThat(proposal.replaces()).isEqualTo(existing == null ? List.of()
                : records(existing).stream().filter(SpfRecord::isSpf1).toList());
        assertThat(SpfRecord.parse(proposal.record())).isInstanceOf(SpfRecord.Valid.class);
    }

    private static List<String> records(String existing) {
        return existing == null ? List.of() : Arrays.stream(existing.split(" \\| ")).map(String::strip).toList();
    }

    @Test
    void theAddedTermsAreListed() {
        SpfProposal proposal = SpfProposal.propose(List.of("v=spf1 ip4:233.252.0.1 ~all"), V4, V6);
        assertThat(proposal.added()).containsExactly("ip6:2001:db8::1");
        assertThat(proposal.warnings()).isEmpty();
    }

    @Test
    void permissiveAllIsExplained() {
        SpfProposal plus = SpfProposal.propose(List.of("v=spf1 mx +all"), V4, V6);
        assertThat(plus.warnings()).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(Kind.PERMISSIVE_ALL);
            assertThat(w.message()).contains("\"+all\" authorizes every address");
        });
        assertThat(SpfProposal.propose(List.of("v=spf1 all"), V4, V6).warns(Kind.PERMISSIVE_ALL)).isTrue();
        assertThat(SpfProposal.propose(List.of("v=spf1 ?all"), V4, V6).warnings())
                .anySatisfy(w -> assertThat(w.message()).contains("neutral"));
        assertThat(SpfProposal.propose(List.of("v=spf1 -all"), V4, V6).warnings()).isEmpty();
        assertThat(SpfProposal.propose(List.of("v=spf1 mx"), V4, V6).warns(Kind.NO_ALL)).isTrue();
    }

    @Test
    void twoRecordsMeanDeleteTheOther() {
        SpfProposal proposal = SpfProposal.propose(List.of("v=spf1 a ~all", "v=spf1 mx -all"), V4, V6);
        assertThat(proposal.action()).isEqualTo(Action.MERGE);
        assertThat(proposal.replaces()).containsExactly("v=spf1 a ~all", "v=spf1 mx -all");
        assertThat(proposal.warnings()).anySatisfy(w -> {
            assertThat(w.kind()).isEqualTo(Kind.SEVERAL_RECORDS);
            assertThat(w.message()).contains("delete the other one");
        });
    }

    @Test
    void aDenyingTermBeforeIsReported() {
        SpfProposal proposal = SpfProposal.propose(List.of("v=spf1 -ip4:233.252.0.0/16 ~all"), V4, null);
        assertThat(proposal.warnings()).anySatisfy(w -> {
            assertThat(w.kind()).isEqualTo(Kind.BLOCKED_EARLIER);
            assertThat(w.message()).contains("\"-ip4:233.252.0.0/16\" gives fail");
        });
    }

    @Test
    void anInvalidRecordIsMergedAndReported() {
        SpfProposal proposal = SpfProposal.propose(List.of("v=spf1 a:mail.example.com ip4:1.2.3 ~all"), V4, V6);
        assertThat(proposal.record()).isEqualTo("v=spf1 a:mail.example.com ip4:1.2.3 ip4:233.252.0.1 ip6:2001:db8::1 ~all");
        assertThat(proposal.warns(Kind.INVALID_RECORD)).isTrue();
    }

    @Test
    void lookupLimitCountsTermsAndSaysAtLeastForIncludes() {
        String eleven = "v=spf1 a mx ptr exists:%{i}.x.example include:a.example include:b.example include:c.example"
                + " include:d.example include:e.example include:f.example include:g.example ~all";
        SpfProposal proposal = SpfProposal.propose(List.of(eleven), V4, V6);
        assertThat(proposal.warnings()).anySatisfy(w -> {
            assertThat(w.kind()).isEqualTo(Kind.LOOKUP_LIMIT);
            assertThat(w.message()).contains("at least 11 DNS lookups");
        });
        String four = "v=spf1 a mx include:_spf.google.com include:spf.protection.outlook.com ~all";
        assertThat(SpfProposal.propose(List.of(four), V4, V6).warns(Kind.LOOKUP_LIMIT)).isFalse();
        SpfProposal evaluated = SpfProposal.propose(List.of(four), V4, V6, OptionalInt.of(13));
        assertThat(evaluated.warnings()).anySatisfy(w -> assertThat(w.message()).contains("needs 13 DNS lookups"));
        assertThat(SpfProposal.propose(List.of("v=spf1 a a a a a a a a a a ~all"), V4, V6).warns(Kind.LOOKUP_LIMIT)).isFalse();
        assertThat(SpfProposal.propose(List.of("v=spf1 a a a a a a a a a a a ~all"), V4, V6).warnings())
                .anySatisfy(w -> assertThat(w.message()).contains("needs 11 DNS lookups"));
    }

    @Test
    void overLongRecordsAreSplitForTheZoneFile() {
        List<String> terms = new ArrayList<>();
        for (int i = 1; terms.size() < 18; i++) {
            terms.add("ip4:198.51.100." + i);
        }
        String existing = "v=spf1 " + String.join(" ", terms) + " include:_spf.example.net -all";
        assertThat(existing.length()).isBetween(256 - 60, 450 - 60);
        SpfProposal proposal = SpfProposal.propose(List.of(existing), V4, V6);
        assertThat(proposal.record().length()).isGreaterThan(255).isLessThanOrEqualTo(450);
        assertThat(proposal.zoneFileStrings()).hasSize(2).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
        assertThat(String.join("", proposal.zoneFileStrings())).isEqualTo(proposal.record());
        assertThat(proposal.zoneFileStrings().getFirst()).endsWith(" ");
        assertThat(proposal.zoneFileText()).startsWith("\"v=spf1 ip4:198.51.100.1 ").contains("\" \"");
        assertThat(proposal.warns(Kind.STRING_SPLIT)).isTrue();
        assertThat(proposal.warns(Kind.UDP_SIZE)).isFalse();

        for (int i = 100; terms.size() < 40; i++) {
            terms.add("ip4:198.51.100." + i);
        }
        SpfProposal huge = SpfProposal.propose(List.of("v=spf1 " + String.join(" ", terms) + " -all"), V4, V6);
        assertThat(huge.record().length()).isGreaterThan(450);
        assertThat(huge.zoneFileStrings()).hasSizeGreaterThan(2).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
        assertThat(String.join("", huge.zoneFileStrings())).isEqualTo(huge.record());
        assertThat(huge.warnings()).anySatisfy(w -> {
            assertThat(w.kind()).isEqualTo(Kind.UDP_SIZE);
            assertThat(w.message()).contains("RFC 7208 §3.4");
        });
    }

    @Test
    void addressesMustBeOfTheirFamily() {
        assertThatThrownBy(() -> SpfProposal.propose(List.of(), null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpfProposal.propose(List.of(), V6, null)).isInstanceOf(IllegalArgumentException.class);
        InetAddress mapped = IpAddresses.byAddress(IpAddresses.parseIpv6("::ffff:233.252.0.1"));
        assertThat(SpfProposal.propose(List.of(), mapped, null).record()).isEqualTo("v=spf1 a ip4:233.252.0.1 ~all");
    }
}
