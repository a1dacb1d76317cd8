package dev.steward.mail.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Turns DNS responses into a {@link DnsAnswer}: follows the CNAME chain through the answer
 * section, asks again for the chain's end when the server did not answer for it, tells NXDOMAIN
 * from NODATA, and converts and validates the record data. Separate from the sockets so that it
 * can be tested with hand-built messages.
 *
 * <p>Thread safety: stateless; thread-safe.
 */
final class ResponseReader {

    /** Real chains (CDNs, hosted mail) have two or three links; longer is a mistake or an attack. */
    static final int MAX_CNAME_HOPS = 8;

    private ResponseReader() {}

    /** Sends one question and reports what came back; never throws for a DNS or network failure. */
    @FunctionalInterface
    interface Transport {
        Reply ask(Name name, int type);
    }

    /** The outcome of one question: a NOERROR or NXDOMAIN response, or why there is none. */
    sealed interface Reply {
        record Answered(Message message) implements Reply {}

        record Failed(String reason) implements Reply {}
    }

    /** Reads one record's data; throws {@link IllegalArgumentException} when it is malformed. */
    @FunctionalInterface
    interface RecordData<T> {
        T read(Record record);
    }

    static <T> DnsAnswer<T> resolve(String name, Name question, int type, RecordData<T> data, Transport transport) {
        Name current = question;
        Set<Name> visited = new HashSet<>(); // CNAME owners seen, to stop loops
        visited.add(question);
        int hops = 0;
        while (true) {
            Reply reply = transport.ask(current, type);
            if (reply instanceof Reply.Failed failed) {
                String via = current.equals(question) ? "" : " (asking for " + text(current) + ", the CNAME target)";
                return new DnsAnswer.TempFail<>(name, failed.reason() + via);
            }
            Message message = ((Reply.Answered) reply).message();
            Name asked = current;
            List<Record> answer = message.getSection(Section.ANSWER);
            while (true) {
                List<Record> matching = new ArrayList<>();
                CNAMERecord alias = null;
                for (Record record : answer) {
                    if (record.getDClass() != DClass.IN || !record.getName().equals(current)) {
                        continue; // records for other names are not part of the answer; ignore them
                    }
                    if (record.getType() == type) {
                        matching.add(record);
                    } else if (record instanceof CNAMERecord cname && alias == null) {
                        alias = cname;
                    }
                }
                if (!matching.isEmpty()) {
                    return convert(name, type, matching, data);
                }
                if (alias == null) {
                    break;
                }
                if (++hops > MAX_CNAME_HOPS) {
                    return new DnsAnswer.TempFail<>(name, "CNAME chain longer than " + MAX_CNAME_HOPS + " names");
                }
                current = alias.getTarget();
                if (!visited.add(current)) {
                    return new DnsAnswer.TempFail<>(name, "CNAME loop at " + text(current));
                }
            }
            if (message.getRcode() == Rcode.NXDOMAIN) {
                // RFC 6604 §2.1: after a CNAME the RCODE describes the chain's last name; either way
                // the question has no data, and not for a temporary reason.
                return new DnsAnswer.NxDomain<>(name);
            }
            if (current.equals(asked)) {
                return new DnsAnswer.NoData<>(name);
            }
            // The chain leaves what this server answered for (an authoritative server whose CNAME
            // points into another zone): ask for the target, still counting hops.
        }
    }

    private static <T> DnsAnswer<T> convert(String name, int type, List<Record> records, RecordData<T> data) {
        List<T> values = new ArrayList<>();
        String problem = null;
        for (Record record : records) {
            try {
                values.add(data.read(record));
            } catch (IllegalArgumentException malformed) {
                if (problem == null) {
                    problem = malformed.getMessage();
                }
            }
        }
        if (values.isEmpty()) {
            // XXX temporary, not permanent: bad data is usually a publishing mistake that gets
            // fixed, and "unknown means temporary" (STYLE B5.3); the queue's lifetime bounds it.
            return new DnsAnswer.TempFail<>(name,
                    "malformed " + Type.string(type) + " record" + (records.size() > 1 ? "s" : "") + ": " + problem);
        }
        // Valid records are used even when a sibling was malformed, like Postfix's dns_lookup.
        return new DnsAnswer.Records<>(values);
    }

    static MxRecord mx(Record record) {
        MXRecord mx = (MXRecord) record;
        Name target = mx.getTarget();
        return new MxRecord(mx.getPriority(), target.equals(Name.root) ? MxRecord.ROOT : target.toString(true));
    }

    static InetAddress ipv4(Record record) {
        return address(((ARecord) record).getAddress().getAddress());
    }

    static InetAddress ipv6(Record record) {
        InetAddress address = address(((AAAARecord) record).getAddress().getAddress());
        if (!(address instanceof Inet6Address)) {
            // The JDK turns ::ffff:a.b.c.d into an IPv4 address; an AAAA record must not smuggle one in.
            throw new IllegalArgumentException("AAAA record holds an IPv4-mapped address " + address.getHostAddress());
        }
        return address;
    }

    static String txt(Record record) {
        // RFC 7208 §3.3: the character-strings of one record are joined with nothing in between.
        int length = 0;
        List<byte[]> strings = ((TXTRecord) record).getStringsAsByteArrays();
        for (byte[] string : strings) {
            length += string.length;
        }
        byte[] joined = new byte[length];
        int offset = 0;
        for (byte[] string : strings) {
            System.arraycopy(string, 0, joined, offset, string.length);
            offset += string.length;
        }
        return new String(joined, StandardCharsets.UTF_8);
    }

    static String ptr(Record record) {
        return text(((PTRRecord) record).getTarget());
    }

    static String cname(Record record) {
        return text(((CNAMERecord) record).getTarget());
    }

    /** The address without a host name attached, so that it prints and compares as a number. */
    private static InetAddress address(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException("address of " + octets.length + " octets", impossible);
        }
    }

    static String text(Name name) {
        return name.equals(Name.root) ? "." : name.toString(true);
    }
}
