package dev.steward.dnscheck;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.Resolver;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * DNS-1: the app host must have its own A and AAAA records with the server's addresses, not be a
 * CNAME to the server's name.
 *
 * <p><b>Strategy.</b> Follow the app host's CNAME chain one link at a time with
 * {@link Resolver#cname} (at most {@value #MAX_HOPS} links; a loop stops it), so the report can show
 * every hop. A chain of any length is a FAIL ({@code address.cname}): besides pointing the name at
 * whatever the target resolves to, a CNAME cannot coexist with other records at the same name
 * (RFC 1034 §3.6.2, RFC 2181 §10.1), so the SPF TXT record could not be published at the app host.
 * The advice is to remove the CNAME and publish A and AAAA records with the server's addresses.
 * Without a CNAME, the A and the AAAA records are compared with the server's address, each family
 * on its own ({@code address.a-*}, {@code address.aaaa-*}).
 *
 * <p>Thread safety: stateless apart from the resolver; thread-safe.
 */
final class AddressCheck {

    static final int MAX_HOPS = 8;

    private final Resolver resolver;

    AddressCheck(Resolver resolver) {
        this.resolver = resolver;
    }

    List<Finding> check(String appHost, ServerAddresses server) {
        List<String> chain = new ArrayList<>(List.of(appHost));
        String problem = null;
        for (String current = appHost; ; ) {
            DnsAnswer<String> link = resolver.cname(current);
            if (link instanceof DnsAnswer.TempFail<String> failure) {
                return List.of(Finding.unchecked("address.lookup-failed", appHost,
                        "Could not find out whether " + appHost + " is an alias (CNAME).",
                        List.of(Lookups.failed("CNAME", current, failure))));
            }
            if (!(link instanceof DnsAnswer.Records<String> records)) {
                if (chain.size() > 1 && link instanceof DnsAnswer.NxDomain<String>) {
                    problem = "the last name, " + current + ", does not exist";
                }
                break;
            }
            String target = records.records().getFirst().toLowerCase(Locale.ROOT);
            if (chain.contains(target)) {
                problem = "the chain loops back to " + target;
                chain.add(target);
                break;
            }
            chain.add(target);
            current = target;
            if (chain.size() > MAX_HOPS) {
                problem = "the chain is longer than " + MAX_HOPS + " links";
                break;
            }
        }
        if (chain.size() > 1) {
            return List.of(alias(appHost, chain, problem, server));
        }
        List<Finding> findings = new ArrayList<>();
        findings.addAll(family(appHost, "A", "a", resolver::ipv4, server.ipv4()));
        findings.addAll(family(appHost, "AAAA", "aaaa", resolver::ipv6, server.ipv6()));
        return findings;
    }

    private Finding alias(String appHost, List<String> chain, String problem, ServerAddresses server) {
        String target = chain.getLast();
        List<String> current = new ArrayList<>();
        for (int i = 1; i < chain.size(); i++) {
            current.add("CNAME " + chain.get(i) + (i > 1 ? " (via " + chain.get(i - 1) + ")" : ""));
        }
        List<String> targetAddresses = new ArrayList<>();
        if (problem == null) {
            targetAddresses.addAll(addresses(resolver.ipv4(target)));
            targetAddresses.addAll(addresses(resolver.ipv6(target)));
            current.add(target + " has " + (targetAddresses.isEmpty() ? "no addresses" : String.join(", ", targetAddresses)));
        }
        boolean toServer = server.name() != null && chain.contains(server.name().ascii());
        String via = chain.size() > 2 ? " through " + String.join(" → ", chain.subList(1, chain.size() - 1)) : "";
        StringBuilder message = new StringBuilder(appHost).append(" is an alias (CNAME) of ").append(target).append(via);
        if (problem != null) {
            message.append(", and it is broken: ").append(problem);
        } else if (toServer) {
            message.append(", the server's name");
        }
        message.append(". A CNAME cannot coexist with other records at the same name (RFC 1034 §3.6.2), so ")
                .append(appHost).append(" could not carry its SPF record. Remove the CNAME record and create A and AAAA")
                .append(" records with the server's addresses instead.");
        List<RecordChange> records = new ArrayList<>();
        records.add(RecordChange.remove(appHost, "CNAME", chain.get(1)));
        if (server.ipv4() != null) {
            records.add(RecordChange.publish(appHost, "A", Lookups.text(server.ipv4())));
        }
        if (server.ipv6() != null) {
            records.add(RecordChange.publish(appHost, "AAAA", Lookups.text(server.ipv6())));
        }
        return Finding.fail("address.cname", appHost, current, message.toString(), records);
    }

    private static List<String> addresses(DnsAnswer<InetAddress> answer) {
        String type = null;
        if (answer instanceof DnsAnswer.Records<InetAddress> records) {
            List<String> shown = new ArrayList<>();
            for (InetAddress address : records.records()) {
                type = address.getAddress().length == 4 ? "A " : "AAAA ";
                shown.add(type + Lookups.text(address));
            }
            return shown;
        }
        return List.of();
    }

    private List<Finding> family(String appHost, String type, String codeType,
            Function<String, DnsAnswer<InetAddress>> lookup, InetAddress expected) {
        if (expected == null) {
            return List.of(); // the server.* finding already says why
        }
        String want = Lookups.text(expected);
        DnsAnswer<InetAddress> answer = lookup.apply(appHost);
        return switch (answer) {
            case DnsAnswer.TempFail<InetAddress> failure -> List.of(Finding.unchecked("address.lookup-failed", appHost,
                    "Could not look up the " + type + " record of " + appHost + ".",
                    List.of(Lookups.failed(type, appHost, failure))));
            case DnsAnswer.NxDomain<InetAddress> missing -> List.of(Finding.fail("address." + codeType + "-missing", appHost,
                    List.of(), appHost + " does not exist in DNS. Create an " + type + " record with the server's address "
                            + want + ".",
                    List.of(RecordChange.publish(appHost, type, want))));
            case DnsAnswer.NoData<InetAddress> missing -> List.of(Finding.fail("address." + codeType + "-missing", appHost,
                    List.of(), appHost + " has no " + type + " record, so the app cannot be reached over "
                            + (type.equals("A") ? "IPv4" : "IPv6") + " at the server's address. Create an " + type
                            + " record with " + want + ".",
                    List.of(RecordChange.publish(appHost, type, want))));
            case DnsAnswer.Records<InetAddress> records -> List.of(compare(appHost, type, codeType, records.records(), want));
        };
    }

    private static Finding compare(String appHost, String type, String codeType, List<InetAddress> found, String want) {
        Set<String> have = new LinkedHashSet<>(Lookups.texts(found));
        List<String> current = have.stream().map(address -> type + " " + address).toList();
        if (have.equals(Set.of(want))) {
            return Finding.ok("address." + codeType + "-ok", appHost, current,
                    appHost + " has the " + type + " record " + want + ", the server's address.");
        }
        List<RecordChange> records = new ArrayList<>();
        List<String> others = have.stream().filter(address -> !address.equals(want)).toList();
        for (String other : others) {
            records.add(RecordChange.remove(appHost, type, other));
        }
        String message;
        if (have.contains(want)) {
            message = appHost + " has the server's " + type + " record " + want + ", but also " + String.join(", ", others)
                    + ", so some visitors reach another machine. Remove the other " + type + " record"
                    + (others.size() > 1 ? "s." : ".");
        } else {
            message = appHost + " points elsewhere: its " + type + " record" + (others.size() > 1 ? "s are " : " is ")
                    + String.join(", ", others) + ", not the server's address " + want + ". Replace "
                    + (others.size() > 1 ? "them" : "it") + ".";
            records.add(RecordChange.publish(appHost, type, want));
        }
        return Finding.fail("address." + codeType + "-wrong", appHost, current, message, records);
    }
}
