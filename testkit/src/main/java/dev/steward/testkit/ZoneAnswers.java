package dev.steward.testkit;

import java.util.List;
import java.util.Optional;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Builds {@link FakeDnsServer}'s response to one query from a {@link DnsZone}. Stateless. */
final class ZoneAnswers {

    private static final int MAX_CNAME_HOPS = 8;
    private static final int OUR_EDNS_PAYLOAD = 1232;

    private ZoneAnswers() {}

    /** The response, or empty when the query is to be dropped. */
    static Optional<Message> answer(DnsZone zone, Message query, FakeDnsServer.Transport transport, boolean followCnames) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setOpcode(query.getHeader().getOpcode());
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
            response.getHeader().setRcode(question == null ? Rcode.FORMERR : Rcode.NOTIMP);
            return Optional.of(response);
        }
        response.addRecord(question, Section.QUESTION);
        if (query.getOPT() != null) {
            response.addRecord(new OPTRecord(OUR_EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        Name name = question.getName();
        int type = question.getType();
        if (!FakeDnsServer.servable(name)) {
            response.getHeader().setRcode(Rcode.REFUSED);
            return Optional.of(response);
        }
        // Authoritative for the fake names, and "recursion available" so stub resolvers accept us.
        response.getHeader().setFlag(Flags.AA);
        response.getHeader().setFlag(Flags.RA);
        Optional<DnsZone.Fault> fault = zone.fault(name, type);
        if (fault.isPresent()) {
            switch (fault.get()) {
                case DROP -> {
                    return Optional.empty();
                }
                case SERVFAIL -> {
                    response.getHeader().unsetFlag(Flags.AA);
                    response.getHeader().setRcode(Rcode.SERVFAIL);
                    return Optional.of(response);
                }
                case NXDOMAIN -> {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                    return Optional.of(response);
                }
                case TRUNCATE -> {
                    if (transport == FakeDnsServer.Transport.UDP) {
                        response.getHeader().setFlag(Flags.TC);
                        return Optional.of(response);
                    }
                }
            }
        }
        Name current = name;
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            List<Record> records = zone.records(current, type);
            if (!records.isEmpty()) {
                records.forEach(record -> response.addRecord(record, Section.ANSWER));
                return Optional.of(response);
            }
            List<Record> aliases = type == Type.CNAME ? List.of() : zone.records(current, Type.CNAME);
            if (aliases.isEmpty()) {
                if (!zone.exists(current)) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                return Optional.of(response);
            }
            response.addRecord(aliases.getFirst(), Section.ANSWER);
            current = ((CNAMERecord) aliases.getFirst()).getTarget();
            if (!followCnames || !FakeDnsServer.servable(current)) {
                return Optional.of(response); // the target is another server's business
            }
        }
        return Optional.of(response); // a chain this long stops here; the client decides
    }
}
