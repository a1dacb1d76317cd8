package dev.steward.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.steward.dnscheck.spf.SpfEvaluator;
import dev.steward.dnscheck.spf.SpfRecord;
import dev.steward.dnscheck.spf.SpfResult;
import dev.steward.mail.dns.DnsAnswer;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.InMemoryResolver;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Address;

/**
 * Fuzzes RFC 7208 {@code check_host()}, {@link SpfEvaluator#checkHost}, over a zone that the input
 * describes, answered in memory by the testkit's {@link InMemoryResolver} (no sockets).
 *
 * <p>Input: UTF-8 text, one line per fact, fields separated by single spaces (so the seeds read
 * like small zone files; lines that do not fit are ignored, at most 64 lines):
 * <pre>
 * ip 192.0.2.1                 the client (default 192.0.2.1)
 * domain example.test          the domain checked (default example.test)
 * sender alice@example.test    MAIL FROM (default none: postmaster@domain)
 * helo mail.example.test       the HELO name
 * txt NAME TEXT...             one TXT record holding the rest of the line
 * a NAME ADDRESS / aaaa NAME ADDRESS / mx NAME PREFERENCE EXCHANGE / cname NAME TARGET
 * ptr ADDRESS NAME             a PTR record at the address's reverse name
 * servfail|nxdomain|drop NAME [TYPE]   a scripted DNS fault
 * </pre>
 *
 * <p>Properties: {@code checkHost} never throws and terminates; the result is one of the seven
 * RFC 7208 §2.6 results with a reason, and an explanation only for {@code fail}; at most 10
 * DNS-querying terms are evaluated and at most 2 void lookups pass, and going over either limit is
 * a {@code permerror}; the DNS questions asked stay under a fixed bound (the top TXT lookup, each
 * of the 10 terms with at most 10 names behind it, {@code %{p}} once per domain, {@code exp=});
 * and the result agrees with the record parser: a domain whose one {@code v=spf1} record does not
 * parse gives {@code permerror}, a domain that answers TXT records none of which is
 * {@code v=spf1} gives {@code none}.
 */
class SpfEvaluatorFuzzTest {

    private static final int MAX_LINES = 64;
    private static final int TXT_CHUNK = 80; // characters per TXT character-string, well under 255 octets
    /** 1 top TXT + 10 terms x (1 + 10 names) + 11 domains x %{p} (1 PTR + 10 names) + 1 exp TXT. */
    private static final int MAX_QUESTIONS = 1 + SpfEvaluator.MAX_DNS_TERMS * (1 + SpfEvaluator.MAX_NAMES_PER_MECHANISM)
            + (SpfEvaluator.MAX_DNS_TERMS + 1) * (1 + SpfEvaluator.MAX_NAMES_PER_MECHANISM) + 1;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    @FuzzTest
    void checkHost(byte[] input) throws UnknownHostException {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", MAX_LINES + 1);
        DnsZone.Builder zone = DnsZone.builder();
        InetAddress ip = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1});
        String domain = "example.test";
        String sender = null;
        String helo = null;
        for (int i = 0; i < Math.min(lines.length, MAX_LINES); i++) {
            String[] fields = lines[i].split(" ", 3);
            String rest = fields.length > 1 ? lines[i].substring(fields[0].length() + 1) : "";
            try {
                switch (fields[0]) {
                    case "ip" -> {
                        InetAddress parsed = literal(rest);
                        ip = parsed != null ? parsed : ip;
                    }
                    case "domain" -> domain = rest;
                    case "sender" -> sender = rest;
                    case "helo" -> helo = rest;
                    case "txt" -> {
                        if (fields.length == 3) {
                            zone.txt(fields[1], chunks(fields[2]));
                        }
                    }
                    case "a", "aaaa" -> {
                        InetAddress address = fields.length == 3 ? literal(fields[2]) : null;
                        if (address != null && fields[0].equals("a")) {
                            zone.a(fields[1], address.getHostAddress());
                        } else if (address != null) {
                            zone.aaaa(fields[1], address.getHostAddress());
                        }
                    }
                    case "mx" -> {
                        String[] mx = rest.split(" ");
                        if (mx.length == 3 && mx[1].matches("[0-9]{1,5}") && Integer.parseInt(mx[1]) <= 65535) {
                            zone.mx(mx[0], Integer.parseInt(mx[1]), mx[2]);
                        }
                    }
                    case "cname" -> {
                        if (fields.length == 3) {
                            zone.cname(fields[1], fields[2]);
                        }
                    }
                    case "ptr" -> {
                        InetAddress address = fields.length == 3 ? literal(fields[1]) : null;
                        if (address != null) {
                            zone.ptr(address.getHostAddress(), fields[2]);
                        }
                    }
                    case "servfail", "nxdomain", "drop" -> {
                        if (fields.length > 1) {
                            DnsZone.Fault fault = DnsZone.Fault.valueOf(fields[0].toUpperCase(java.util.Locale.ROOT));
                            zone.fault(fault, fields[1], fields.length == 3 ? new String[] {fields[2]} : new String[0]);
                        }
                    }
                    default -> {
                        // not a fact: ignored
                    }
                }
            } catch (IllegalArgumentException notForTheZone) {
                // a name or value the test zone cannot hold (dnsjava's syntax): the line is ignored
            }
        }
        DnsZone built = zone.build();
        InMemoryResolver resolver = new InMemoryResolver(built);
        SpfResult result = new SpfEvaluator(resolver, "receiver.test", CLOCK).checkHost(ip, domain, sender, helo);

        assertThat(result.code()).isIn((Object[]) SpfResult.Code.values());
        assertThat(result.reason()).isNotBlank();
        if (result.explanation() != null) {
            assertThat(result.code()).isEqualTo(SpfResult.Code.FAIL);
        }
        assertThat(result.dnsLookups()).isBetween(0, SpfEvaluator.MAX_DNS_TERMS + 1);
        if (result.dnsLookups() > SpfEvaluator.MAX_DNS_TERMS) {
            assertThat(result.code()).as(result.toString()).isEqualTo(SpfResult.Code.PERMERROR);
        }
        assertThat(result.voidLookups()).isBetween(0, SpfEvaluator.MAX_VOID_LOOKUPS + 1);
        if (result.voidLookups() > SpfEvaluator.MAX_VOID_LOOKUPS) {
            assertThat(result.code()).as(result.toString()).isEqualTo(SpfResult.Code.PERMERROR);
        }
        assertThat(resolver.questions().size()).as("DNS questions: %s", resolver.questions())
                .isLessThanOrEqualTo(MAX_QUESTIONS);
        agreesWithParser(new InMemoryResolver(built), domain, result);
    }

    /** The top-level record selection (RFC 7208 §4.5), asked of a second resolver on the same zone. */
    private static void agreesWithParser(InMemoryResolver resolver, String domain, SpfResult result) {
        String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (!isQueryableDomain(name)) {
            assertThat(result.code()).as(result.toString()).isEqualTo(SpfResult.Code.NONE);
            return;
        }
        DnsAnswer<String> answer;
        try {
            answer = resolver.txt(name);
        } catch (IllegalArgumentException refused) {
            return; // the evaluator treats such a name as non-existent; nothing more to compare
        }
        if (answer instanceof DnsAnswer.Records<String> records) {
            List<String> spf = records.records().stream().filter(SpfRecord::isSpf1).toList();
            if (spf.isEmpty()) {
                assertThat(result.code()).as(result.toString()).isEqualTo(SpfResult.Code.NONE);
            } else if (spf.size() > 1) {
                assertThat(result.code()).as(result.toString()).isEqualTo(SpfResult.Code.PERMERROR);
            } else {
                assertThat(result.record()).isEqualTo(spf.getFirst());
                if (SpfRecord.parse(spf.getFirst()) instanceof SpfRecord.Invalid) {
                    assertThat(result.code()).as(result.toString()).isEqualTo(SpfResult.Code.PERMERROR);
                }
            }
        }
    }

    /** RFC 7208 §4.3 as the evaluator's Javadoc states it: several labels of 1 to 63 characters, 253 at most. */
    private static boolean isQueryableDomain(String name) {
        if (name.isEmpty() || name.startsWith("[") || name.length() > 253) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
        }
        return labels.length >= 2;
    }

    /** A numeric IPv4 or IPv6 address, or null; never a DNS lookup. */
    private static InetAddress literal(String text) throws UnknownHostException {
        byte[] v4 = Address.toByteArray(text, Address.IPv4);
        if (v4 != null) {
            return InetAddress.getByAddress(v4);
        }
        byte[] v6 = Address.toByteArray(text, Address.IPv6);
        return v6 == null ? null : Inet6Address.getByAddress(null, v6, null);
    }

    /** The text as TXT character-strings, backslashes escaped for dnsjava's text form. */
    private static String[] chunks(String text) {
        List<String> out = new ArrayList<>();
        for (int start = 0; start < text.length(); start += TXT_CHUNK) {
            out.add(text.substring(start, Math.min(text.length(), start + TXT_CHUNK))
                    .replace("\\", "\\\\").replace("\"", "\\\""));
        }
        if (out.isEmpty()) {
            out.add("");
        }
        return out.toArray(String[]::new);
    }
}
