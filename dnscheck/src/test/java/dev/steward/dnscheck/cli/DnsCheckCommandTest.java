package dev.steward.dnscheck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dkim.DkimTxtRecord;
import dev.steward.mail.model.DomainName;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command against a real DNS server on loopback (FakeDnsServer) through the production resolver. */
@Timeout(30)
class DnsCheckCommandTest {

    static final String APP = "app.example.test";
    static final String SERVER = "srv1.provider.test";
    static final String IPV4 = "192.0.2.10";
    static final String IPV6 = "2001:db8::10";
    static final KeyPair KEY = DkimKeys.generateEd25519();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static DnsZone.Builder server(DnsZone.Builder zone) {
        return zone.a(SERVER, IPV4).aaaa(SERVER, IPV6).ptr(IPV4, SERVER).ptr(IPV6, SERVER);
    }

    static DnsZone.Builder records(DnsZone.Builder zone) {
        DkimTxtRecord dkim = DkimKeys.txtRecord(DomainName.parse(APP), "nexx", KEY.getPublic());
        return zone.txt(APP, "v=spf1 ip4:" + IPV4 + " ip6:" + IPV6 + " -all")
                .txt(dkim.owner(), dkim.value())
                .txt("_dmarc.example.test", "v=DMARC1; p=reject");
    }

    Path keyFile() throws Exception {
        Path file = dir.resolve("nexx." + APP + ".pub");
        Files.writeString(file, DkimKeys.publicKeyPem(KEY.getPublic()));
        return file;
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DnsCheckCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Run check(FakeDnsServer dns, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("check", APP, "--server", SERVER, "--resolver", dns.server(),
                "--dkim-public-key", keyFile().toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void goodSetup_exitZero_reportSaysAllWell() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer(records(server(DnsZone.builder()).a(APP, IPV4).aaaa(APP, IPV6)).build()).start()) {
            Run run = check(dns);

            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("OK         address.a-ok").contains("OK         dkim.ok")
                    .contains("All required records are in place (exit 0)");
        }
    }

    @Test
    void cnameToServer_exitOne_jsonCarriesTheRecordsToCreate() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer(server(DnsZone.builder()).cname(APP, SERVER)
                .txt("_dmarc.example.test", "v=DMARC1; p=reject").build()).start()) {
            Run run = check(dns, "--json");

            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
            JsonNode json = run.json();
            assertThat(json.get("schema_version").asInt()).isEqualTo(1);
            assertThat(json.get("exit_code").asInt()).isEqualTo(1);
            assertThat(json.get("result").asText()).isEqualTo("must-fix");
            assertThat(json.at("/server/ipv6").asText()).isEqualTo(IPV6);
            JsonNode cname = finding(json, "address.cname");
            assertThat(cname.get("severity").asText()).isEqualTo("fail");
            assertThat(cname.get("check").asText()).isEqualTo("address");
            assertThat(cname.at("/records/0/action").asText()).isEqualTo("remove");
            assertThat(cname.at("/records/0/zone_file_line").asText()).isEqualTo(APP + ". IN CNAME " + SERVER + ".");
            assertThat(cname.at("/records/1/zone_file_line").asText()).isEqualTo(APP + ". IN A " + IPV4);
            assertThat(cname.at("/records/2/zone_file_line").asText()).isEqualTo(APP + ". IN AAAA " + IPV6);
            JsonNode dkim = finding(json, "dkim.missing");
            String expected = DkimKeys.txtRecord(DomainName.parse(APP), "nexx", KEY.getPublic()).value();
            assertThat(dkim.at("/records/0/value").asText()).isEqualTo(expected);
        }
    }

    @Test
    void longDkimRecord_shownWholeAndSplit() throws Exception {
        KeyPair rsa = DkimKeys.generateRsa();
        Path file = dir.resolve("rsa.pub");
        Files.writeString(file, DkimKeys.publicKeyPem(rsa.getPublic()));
        try (FakeDnsServer dns = new FakeDnsServer(server(DnsZone.builder()).a(APP, IPV4).aaaa(APP, IPV6).build()).start()) {
            Run run = run("check", APP, "--server", SERVER, "--resolver", dns.server(), "--dkim-public-key", file.toString());

            DkimTxtRecord record = DkimKeys.txtRecord(DomainName.parse(APP), "nexx", rsa.getPublic());
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.out()).contains("FAIL       dkim.missing")
                    .contains("the whole value (for a DNS web form):\n                      " + record.value() + "\n")
                    .contains(record.zoneFileLine());
        }
    }

    @Test
    void resolverNotListening_exitTwo_failedLookupsListedNotMissingRecords() throws Exception {
        FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start();
        String address = dns.server();
        dns.close();

        Run run = run("check", APP, "--server", SERVER, "--resolver", address, "--json");

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
        JsonNode json = run.json();
        assertThat(json.get("result").asText()).isEqualTo("incomplete");
        assertThat(json.get("failed_lookups")).isNotEmpty();
        assertThat(json.at("/counts/fail").asInt()).isZero();
        for (JsonNode finding : json.get("findings")) {
            assertThat(finding.get("severity").asText()).isEqualTo("unchecked");
            assertThat(finding.get("code").asText()).doesNotContain("missing");
        }
    }

    @Test
    void serverNeverAnswers_deadlineBoundsTheRun_exitTwo() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.builder().drop(SERVER).drop(APP).build()).start()) {
            long start = System.nanoTime();

            Run run = run("check", APP, "--ipv4", IPV4, "--ipv6", IPV6, "--resolver", dns.server(), "--deadline", "1s");

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            assertThat(run.exit()).as(run.out()).isEqualTo(2);
            assertThat(run.out()).contains("UNCHECKED  address.lookup-failed").contains("deadline")
                    .contains("The check could not run completely");
        }
    }

    @Test
    void usageErrors_exit64() {
        assertThat(run().exit()).isEqualTo(64);
        assertThat(run("check").exit()).isEqualTo(64);
        assertThat(run("check", APP).err()).contains("--server NAME, or both --ipv4 and --ipv6");
        assertThat(run("check", APP, "--ipv4", IPV4).exit()).isEqualTo(64);
        assertThat(run("check", APP, "--ipv4", "example.org", "--ipv6", IPV6).err()).contains("not an IPv4 address");
        assertThat(run("check", APP, "--ipv4", IPV4, "--ipv6", IPV4).exit()).isEqualTo(64);
        assertThat(run("check", APP, "--server", SERVER, "--resolver", "dns.example").err()).contains("numeric IP address");
        assertThat(run("check", APP, "--server", SERVER, "--bogus", "x").exit()).isEqualTo(64);
        assertThat(run("check", APP, "--server", SERVER, "--selector", "bad selector").exit()).isEqualTo(64);
        assertThat(run("check", "--help").exit()).isZero();
    }

    @Test
    void keyFileMissingOrNotAKey_exit66() throws Exception {
        Path notKey = dir.resolve("note.txt");
        Files.writeString(notKey, "hello");

        assertThat(run("check", APP, "--server", SERVER, "--dkim-public-key", dir.resolve("absent.pub").toString()).exit())
                .isEqualTo(66);
        assertThat(run("check", APP, "--server", SERVER, "--dkim-public-key", notKey.toString()).exit()).isEqualTo(66);
    }

    static JsonNode finding(JsonNode json, String code) {
        for (JsonNode finding : json.get("findings")) {
            if (finding.get("code").asText().equals(code)) {
                return finding;
            }
        }
        throw new AssertionError("no finding " + code + " in " + json.toPrettyString());
    }
}
