package dev.steward.dnscheck.spf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenSPF test suite ({@code shared/conformance/spf/*.yml}, found by walking up from the
 * working directory) into cases, and runs one case against {@link SpfEvaluator} over a
 * {@link YamlZone} of its scenario.
 */
final class SpfSuite {

    private SpfSuite() {}

    /** One test of one scenario. {@code results} holds every acceptable result; the first is preferred. */
    record Case(String scenario, String id, String spec, String helo, String host, String mailfrom,
            List<String> results, String explanation, YamlZone zone) {

        String name() {
            return scenario + " / " + id;
        }

        /** Runs the case as the pyspf driver does: the identity is MAIL FROM, or postmaster@HELO when it is empty. */
        SpfResult run() {
            byte[] bytes = IpAddresses.parseIpv4(host);
            InetAddress ip = IpAddresses.byAddress(bytes != null ? bytes : IpAddresses.parseIpv6(host));
            String sender = mailfrom.isEmpty() ? "postmaster@" + helo : mailfrom;
            String domain = sender.substring(sender.lastIndexOf('@') + 1);
            Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
            return new SpfEvaluator(zone, "receiver.example.org", clock).checkHost(ip, domain, sender, helo);
        }
    }

    static Path file(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir.resolve("shared/conformance"), dir.resolve("../shared/conformance")}) {
                if (Files.isDirectory(candidate)) {
                    Path file = candidate.resolve("spf").resolve(name).normalize();
                    if (!Files.isRegularFile(file)) {
                        throw new AssertionError(file + " is missing; the SPF conformance suite is required for these tests");
                    }
                    return file;
                }
            }
        }
        throw new AssertionError("shared/conformance not found above " + Path.of("").toAbsolutePath()
                + "; the SPF conformance suite is required for these tests");
    }

    static List<Case> load(String name) {
        List<Case> cases = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).readValues(file(name).toFile())) {
            while (documents.hasNext()) {
                JsonNode scenario = documents.next();
                if (scenario == null || scenario.isNull() || scenario.isMissingNode()) {
                    continue;
                }
                String description = scenario.path("description").asText();
                YamlZone zone = new YamlZone(scenario.get("zonedata"));
                scenario.get("tests").properties().forEach(test -> {
                    JsonNode t = test.getValue();
                    List<String> results = new ArrayList<>();
                    if (t.get("result").isArray()) {
                        t.get("result").forEach(r -> results.add(r.asText()));
                    } else {
                        results.add(t.get("result").asText());
                    }
                    cases.add(new Case(description, test.getKey(), t.path("spec").asText(), t.get("helo").asText(),
                            t.get("host").asText(), t.get("mailfrom").asText(), List.copyOf(results),
                            t.hasNonNull("explanation") ? t.get("explanation").asText() : null, zone));
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** Null when the evaluator's answer is acceptable, else what is wrong. */
    static String verdict(Case c, SpfResult result) {
        if (!c.results().contains(result.code().rfcName())) {
            return "expected " + String.join(" or ", c.results()) + " but got " + result;
        }
        if (c.explanation() != null) {
            // "DEFAULT" is the driver's default explanation: no exp= text was used.
            String expected = c.explanation().equals("DEFAULT") ? null : c.explanation();
            if (!java.util.Objects.equals(expected, result.explanation())) {
                return "expected explanation " + (expected == null ? "none (DEFAULT)" : "\"" + expected + "\"")
                        + " but got " + result;
            }
        }
        return null;
    }
}
