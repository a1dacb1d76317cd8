package dev.steward.dnscheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.common.text.AddressText;
import dev.steward.dnscheck.DnsReport;
import dev.steward.dnscheck.Finding;
import dev.steward.dnscheck.RecordChange;
import dev.steward.dnscheck.Severity;
import java.net.InetAddress;
import java.util.List;

/**
 * Renders a {@link DnsReport} as JSON, schema version {@value #SCHEMA_VERSION}; the schema is
 * documented field by field in the README ("DNS check") and is API: fields are only ever added.
 * Built node by node rather than by reflection, so a renamed Java field cannot change the output.
 *
 * <p>Thread safety: stateless; thread-safe.
 */
final class JsonReport {

    static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    static String render(DnsReport report, String resolverText) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("app_host", report.appHost().ascii());
        ObjectNode server = root.putObject("server");
        server.put("name", report.serverName() == null ? null : report.serverName().ascii());
        server.put("ipv4", report.ipv4() == null ? null : addressText(report.ipv4()));
        server.put("ipv6", report.ipv6() == null ? null : addressText(report.ipv6()));
        root.put("dkim_selector", report.selector());
        root.put("resolver", resolverText);
        root.put("exit_code", report.exitCode());
        root.put("result", switch (report.exitCode()) {
            case DnsReport.EXIT_OK -> "ok";
            case DnsReport.EXIT_MUST_FIX -> "must-fix";
            default -> "incomplete";
        });
        ObjectNode counts = root.putObject("counts");
        for (Severity severity : Severity.values()) {
            counts.put(severity.jsonName(), report.count(severity));
        }
        strings(root.putArray("failed_lookups"), report.failedLookups());
        ArrayNode findings = root.putArray("findings");
        for (Finding finding : report.findings()) {
            ObjectNode node = findings.addObject();
            node.put("check", finding.check());
            node.put("code", finding.code());
            node.put("severity", finding.severity().jsonName());
            node.put("name", finding.name());
            strings(node.putArray("current"), finding.current());
            node.put("message", finding.message());
            strings(node.putArray("failed_lookups"), finding.failedLookups());
            ArrayNode records = node.putArray("records");
            for (RecordChange record : finding.records()) {
                ObjectNode change = records.addObject();
                change.put("action", record.action().jsonName());
                change.put("owner", record.owner());
                change.put("type", record.type());
                change.put("value", record.value());
                strings(change.putArray("strings"), record.strings());
                change.put("zone_file_line", record.zoneFileLine());
            }
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("a JSON tree always serialises", impossible);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** The address as written in records: {@code 192.0.2.10}, {@code 2001:db8::10}. */
    static String addressText(InetAddress address) {
        return AddressText.of(address);
    }
}
