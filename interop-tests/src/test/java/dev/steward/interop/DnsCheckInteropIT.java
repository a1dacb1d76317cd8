package dev.steward.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dkim.DkimTxtRecord;
import dev.steward.mail.model.DomainName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code steward dns check} (the CLI, as a child JVM like {@code bin/steward}) against a real
 * authoritative server: a private NSD ({@code scripts/dns-instance}) serving a provider zone (the
 * server's name), a customer zone with one app host per situation, and the reverse zones of the
 * server's documentation addresses. Nothing is sent to those addresses; only DNS is asked, on
 * loopback.
 *
 * <p>Situations (app hosts under {@code customer.test}): a CNAME chain to the server's name, a wrong
 * A record, a missing AAAA record, SPF without {@code ip6:}, SPF over the 10-lookup limit, the wrong
 * DKIM key, and a correct setup. Each asserts the exit code and the proposed records in the JSON
 * output; the good and one misconfigured run are also rendered as text (the README's samples).
 *
 * <p>The DKIM key is a fresh 2048-bit RSA key per run, so its TXT record is published split into
 * 255-octet strings, as a customer's zone would hold it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnsCheckInteropIT {

    static final String SERVER = "srv1.provider.test";
    static final String IPV4 = "192.0.2.10";
    static final String IPV6 = "2001:db8::10";
    static final Duration RUN_LIMIT = Duration.ofSeconds(30);

    private static Path work;
    private static DnsInstance nsd;
    private static Path keyFile;
    private static DkimTxtRecord goodDkim; // for good.customer.test; other hosts get theirs by name

    private static KeyPair key;

    @BeforeAll
    static void startNsd() throws IOException {
        work = InteropPaths.newWorkDir("dnscheck");
        key = DkimKeys.generateRsa();
        keyFile = work.resolve("nexx.pub");
        Files.writeString(keyFile, DkimKeys.publicKeyPem(key.getPublic()));
        KeyPair otherKey = DkimKeys.generateRsa();
        goodDkim = dkim("good", key);

        List<String> customer = new ArrayList<>(List.of(
                "$ORIGIN customer.test.", "$TTL 300",
                "@ IN SOA ns.provider.test. hostmaster.provider.test. 1 3600 600 86400 300",
                "@ IN NS ns.provider.test.",
                "_dmarc IN TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc@customer.test\"",
                // A CNAME chain, two links, ending at the server's name (in another zone).
                "cname IN CNAME alias.customer.test.",
                "alias IN CNAME " + SERVER + ".",
                // Eleven DNS-querying terms for the lookup-limit case.
                "h IN A 198.51.100.1"));
        for (String host : List.of("wrong-a", "no-aaaa", "spf-no-ip6", "spf-limit", "wrong-dkim", "good")) {
            customer.add(host + " IN A " + (host.equals("wrong-a") ? "198.51.100.7" : IPV4));
            if (!host.equals("no-aaaa")) {
                customer.add(host + " IN AAAA " + IPV6);
            }
            String spf = switch (host) {
                case "spf-no-ip6" -> "v=spf1 ip4:" + IPV4 + " -all";
                case "spf-limit" -> "v=spf1 " + "a:h.customer.test ".repeat(11) + "ip4:" + IPV4 + " ip6:" + IPV6 + " ~all";
                default -> "v=spf1 ip4:" + IPV4 + " ip6:" + IPV6 + " -all";
            };
            customer.add(host + " IN TXT \"" + spf + "\"");
            DkimTxtRecord record = dkim(host, host.equals("wrong-dkim") ? otherKey : key);
            customer.add("nexx._domainkey." + host + " IN TXT " + record.strings().stream()
                    .map(string -> "\"" + string + "\"").collect(Collectors.joining(" ")));
        }
        List<Path> zones = List.of(
                zone("provider.test.zone", List.of("$ORIGIN provider.test.", "$TTL 300",
                        "@ IN SOA ns hostmaster 1 3600 600 86400 300", "@ IN NS ns", "ns IN A 127.0.0.1",
                        "srv1 IN A " + IPV4, "srv1 IN AAAA " + IPV6)),
                zone("customer.test.zone", customer),
                zone("2.0.192.in-addr.arpa.zone", List.of("$ORIGIN 2.0.192.in-addr.arpa.", "$TTL 300",
                        "@ IN SOA ns.provider.test. hostmaster.provider.test. 1 3600 600 86400 300",
                        "@ IN NS ns.provider.test.", "10 IN PTR " + SERVER + ".")),
                zone("8.b.d.0.1.0.0.2.ip6.arpa.zone", List.of("$ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.", "$TTL 300",
                        "@ IN SOA ns.provider.test. hostmaster.provider.test. 1 3600 600 86400 300",
                        "@ IN NS ns.provider.test.",
                        "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR " + SERVER + ".")));
        nsd = DnsInstance.start(work.resolve("nsd"), zones);
    }

    @AfterAll
    static void stopNsd() {
        if (nsd != null) {
            nsd.close();
        }
    }

    private static DkimTxtRecord dkim(String host, KeyPair pair) {
        return DkimKeys.txtRecord(DomainName.parse(host + ".customer.test"), "nexx", pair.getPublic());
    }

    private static Path zone(String name, List<String> lines) {
        Path file = work.resolve(name);
        try {
            Files.writeString(file, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static CommandRun.Result check(String host, String label, String... extra) {
        List<String> args = new ArrayList<>(List.of("dns", "check", host, "--server", SERVER,
                "--resolver", nsd.server(), "--dkim-public-key", keyFile.toString()));
        args.addAll(List.of(extra));
        return CommandRun.run(RelayProcess.cliCommand(args.toArray(String[]::new)), work, label, RUN_LIMIT);
    }

    private static JsonNode json(String host) {
        CommandRun.Result run = check(host, host + "-json", "--json");
        try {
            JsonNode json = new ObjectMapper().readTree(run.stdout());
            assertThat(json.get("exit_code").asInt()).as(run.describe()).isEqualTo(run.exitCode());
            assertThat(json.get("failed_lookups")).as(run.describe()).isEmpty();
            return json;
        } catch (IOException e) {
            throw new AssertionError("not JSON\n" + run.describe(), e);
        }
    }

    private static List<String> codes(JsonNode json, String severity) {
        List<String> codes = new ArrayList<>();
        for (JsonNode finding : json.get("findings")) {
            if (finding.get("severity").asText().equals(severity)) {
                codes.add(finding.get("code").asText() + " " + finding.get("name").asText());
            }
        }
        return codes;
    }

    private static JsonNode finding(JsonNode json, String code) {
        for (JsonNode finding : json.get("findings")) {
            if (finding.get("code").asText().equals(code)) {
                return finding;
            }
        }
        throw new AssertionError("no " + code + " in " + json.toPrettyString());
    }

    private static List<String> zoneLines(JsonNode finding) {
        List<String> lines = new ArrayList<>();
        finding.get("records").forEach(record -> lines.add(record.get("action").asText() + " "
                + record.get("zone_file_line").asText()));
        return lines;
    }

    @Test
    void goodSetup_exitZero_noWarningsEither() {
        JsonNode json = json("good.customer.test");

        assertThat(json.get("exit_code").asInt()).isZero();
        assertThat(codes(json, "fail")).isEmpty();
        assertThat(codes(json, "warn")).isEmpty();
        assertThat(codes(json, "ok")).contains("address.a-ok good.customer.test", "address.aaaa-ok good.customer.test",
                "spf.pass good.customer.test", "dkim.ok nexx._domainkey.good.customer.test",
                "dmarc.policy _dmarc.customer.test", "reverse.ok " + IPV4, "reverse.ok " + IPV6);
        assertThat(finding(json, "dkim.ok").at("/current/0").asText()).isEqualTo(goodDkim.value());

        CommandRun.Result text = check("good.customer.test", "good-text");
        assertThat(text.exitCode()).as(text.describe()).isZero();
        assertThat(text.stdout()).contains("All required records are in place (exit 0)");
    }

    @Test
    void cnameChainToServerName_exitOne_removeCnameCreateAandAaaa() {
        JsonNode json = json("cname.customer.test");

        assertThat(json.get("exit_code").asInt()).isEqualTo(1);
        JsonNode cname = finding(json, "address.cname");
        assertThat(cname.get("current").toString()).contains("CNAME alias.customer.test")
                .contains("CNAME " + SERVER + " (via alias.customer.test)");
        assertThat(zoneLines(cname)).containsExactly(
                "remove cname.customer.test. IN CNAME alias.customer.test.",
                "publish cname.customer.test. IN A " + IPV4,
                "publish cname.customer.test. IN AAAA " + IPV6);
        // The same report as text, kept in the work directory for the README's sample.
        CommandRun.Result text = check("cname.customer.test", "cname-text");
        assertThat(text.exitCode()).as(text.describe()).isEqualTo(1);
        assertThat(text.stdout()).contains("FAIL       address.cname").contains("remove:  cname.customer.test. IN CNAME");
    }

    @Test
    void wrongA_exitOne_replaceTheAddress() {
        JsonNode json = json("wrong-a.customer.test");

        assertThat(json.get("exit_code").asInt()).isEqualTo(1);
        assertThat(codes(json, "fail")).containsExactly("address.a-wrong wrong-a.customer.test");
        assertThat(zoneLines(finding(json, "address.a-wrong"))).containsExactly(
                "remove wrong-a.customer.test. IN A 198.51.100.7", "publish wrong-a.customer.test. IN A " + IPV4);
    }

    @Test
    void missingAaaa_exitOne_createTheAaaa() {
        JsonNode json = json("no-aaaa.customer.test");

        assertThat(json.get("exit_code").asInt()).isEqualTo(1);
        assertThat(codes(json, "fail")).containsExactly("address.aaaa-missing no-aaaa.customer.test");
        assertThat(zoneLines(finding(json, "address.aaaa-missing")))
                .containsExactly("publish no-aaaa.customer.test. IN AAAA " + IPV6);
        assertThat(codes(json, "ok")).contains("address.a-ok no-aaaa.customer.test");
    }

    @Test
    void spfWithoutIp6_exitOne_ipv6NotAuthorized() {
        JsonNode json = json("spf-no-ip6.customer.test");

        assertThat(json.get("exit_code").asInt()).isEqualTo(1);
        assertThat(codes(json, "ok")).contains("spf.pass spf-no-ip6.customer.test");
        assertThat(codes(json, "fail")).containsExactly("spf.not-pass spf-no-ip6.customer.test");
        JsonNode notPass = finding(json, "spf.not-pass");
        assertThat(notPass.get("message").asText()).contains("gives fail").contains("ip6:" + IPV6);
        assertThat(zoneLines(notPass)).containsExactly(
                "remove spf-no-ip6.customer.test. IN TXT \"v=spf1 ip4:" + IPV4 + " -all\"",
                "publish spf-no-ip6.customer.test. IN TXT \"v=spf1 ip4:" + IPV4 + " ip6:" + IPV6 + " -all\"");
    }

    @Test
    void spfOverTheLookupLimit_exitOne_permerrorForBoth() {
        JsonNode json = json("spf-limit.customer.test");

        assertThat(json.get("exit_code").asInt()).isEqualTo(1);
        assertThat(codes(json, "fail")).containsExactly("spf.not-pass spf-limit.customer.test",
                "spf.not-pass spf-limit.customer.test");
        JsonNode notPass = finding(json, "spf.not-pass");
        assertThat(notPass.get("message").asText()).contains("permerror").contains("10");
        // The record already lists both addresses: nothing to add, the warning says what to fix.
        assertThat(notPass.get("records")).isEmpty();
        assertThat(codes(json, "warn")).containsExactly("spf.lookup-limit spf-limit.customer.test");
        assertThat(finding(json, "spf.lookup-limit").get("message").asText()).contains("11");
    }

    @Test
    void wrongDkimKey_exitOne_replaceWithTheServersKey() {
        JsonNode json = json("wrong-dkim.customer.test");

        assertThat(json.get("exit_code").asInt()).isEqualTo(1);
        assertThat(codes(json, "fail")).containsExactly("dkim.key-mismatch nexx._domainkey.wrong-dkim.customer.test");
        JsonNode mismatch = finding(json, "dkim.key-mismatch");
        DkimTxtRecord expected = dkim("wrong-dkim", key);
        assertThat(mismatch.at("/records/0/action").asText()).isEqualTo("remove");
        assertThat(mismatch.at("/records/1/action").asText()).isEqualTo("publish");
        assertThat(mismatch.at("/records/1/value").asText()).isEqualTo(expected.value());
        assertThat(mismatch.at("/records/1/zone_file_line").asText()).isEqualTo(expected.zoneFileLine());
        assertThat(mismatch.at("/records/1/strings")).hasSize(expected.strings().size());
    }
}
