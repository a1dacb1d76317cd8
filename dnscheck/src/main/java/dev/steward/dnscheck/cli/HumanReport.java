package dev.steward.dnscheck.cli;

import dev.steward.dnscheck.DnsReport;
import dev.steward.dnscheck.Finding;
import dev.steward.dnscheck.RecordChange;
import dev.steward.dnscheck.Severity;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link DnsReport} for people: one headline per finding (severity, code, name), then the
 * current value, the reason and the exact records to remove and publish, indented below it. A TXT
 * value longer than one 255-octet string is shown whole (for DNS web forms) and split (for zone files
 * and providers that want the strings).
 *
 * <p>Thread safety: stateless; thread-safe.
 */
final class HumanReport {

    private static final String INDENT = "           ";
    private static final int WIDTH = 100;

    private HumanReport() {
    }

    static void print(DnsReport report, String resolverText, PrintStream out) {
        out.println("DNS check of " + report.appHost().ascii() + " (resolver " + resolverText + ")");
        out.println("server: " + (report.serverName() == null ? "(no name given)" : report.serverName().ascii())
                + ", IPv4 " + text(report.ipv4()) + ", IPv6 " + text(report.ipv6()) + "; DKIM selector " + report.selector());
        out.println();
        for (Finding finding : report.findings()) {
            print(finding, out);
        }
        out.println(summary(report));
    }

    private static void print(Finding finding, PrintStream out) {
        out.println(String.format("%-10s %-22s %s", finding.severity().name(), finding.code(), finding.name()));
        for (String current : finding.current()) {
            labelled("now:", current, out);
        }
        wrapped("why:", finding.message(), out);
        for (String lookup : finding.failedLookups()) {
            labelled("failed:", lookup, out);
        }
        for (RecordChange record : finding.records()) {
            String label = record.action() == RecordChange.Action.PUBLISH ? "publish:" : "remove:";
            if (!record.isSplit()) {
                labelled(label, record.zoneFileLine(), out);
                continue;
            }
            List<String> strings = record.strings();
            labelled(label, record.owner() + " TXT, the whole value (for a DNS web form):", out);
            out.println(INDENT + "           " + record.value());
            out.println(INDENT + "         the same split into " + strings.size()
                    + " strings of at most 255 octets (for a zone file):");
            out.println(INDENT + "           " + record.zoneFileLine());
        }
        out.println();
    }

    private static void labelled(String label, String text, PrintStream out) {
        out.println(INDENT + String.format("%-9s", label) + text);
    }

    private static void wrapped(String label, String text, PrintStream out) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > WIDTH - INDENT.length() - 9) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        labelled(label, lines.getFirst(), out);
        for (String rest : lines.subList(1, lines.size())) {
            out.println(INDENT + "         " + rest);
        }
    }

    static String summary(DnsReport report) {
        String counts = report.count(Severity.OK) + " OK, " + report.count(Severity.WARN) + " WARN, "
                + report.count(Severity.FAIL) + " FAIL, " + report.count(Severity.UNCHECKED) + " UNCHECKED";
        return switch (report.exitCode()) {
            case DnsReport.EXIT_OK -> "Result: " + counts + ". All required records are in place (exit 0).";
            case DnsReport.EXIT_MUST_FIX -> "Result: " + counts + ". Change the records marked FAIL as shown (exit 1).";
            default -> "Result: " + counts + ". The check could not run completely: the lookups listed under"
                    + " \"failed:\" got no answer, so nothing is claimed about those records. Try again (exit 2).";
        };
    }

    private static String text(InetAddress address) {
        return address == null ? "unknown" : JsonReport.addressText(address);
    }
}
