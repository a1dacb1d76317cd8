package dev.steward.mail.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The answer interpretation of {@link DnsjavaResolver}, on hand-built responses (no sockets). */
class ResponseReaderTest {

    /** Answers each question from a table of prepared responses, and logs what was asked. */
    private static final class ScriptedTransport implements ResponseReader.Transport {
        final Map<String, ResponseReader.Reply> replies = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        ScriptedTransport answer(String name, int rcode, Record... answers) {
            Message message = new Message();
            message.getHeader().setRcode(rcode);
            for (Record record : answers) {
                message.addRecord(record, Section.ANSWER);
            }
            replies.put(name, new ResponseReader.Reply.Answered(message));
            return this;
        }

        ScriptedTransport fail(String name, String reason) {
            replies.put(name, new ResponseReader.Reply.Failed(reason));
            return this;
        }

        @Override
        public ResponseReader.Reply ask(Name name, int type) {
            String key = ResponseReader.text(name);
            asked.add(key);
            ResponseReader.Reply reply = replies.get(key);
            if (reply == null) {
                throw new AssertionError("unexpected question " + key);
            }
            return reply;
        }
    }

    private static Name name(String text) {
        return Name.fromConstantString(text + ".");
    }

    private static Record a(String owner, String address) throws Exception {
        return new ARecord(name(owner), DClass.IN, 300, InetAddress.getByName(address));
    }

    private static Record cname(String owner, String target) {
        return new CNAMERecord(name(owner), DClass.IN, 300, name(target));
    }

    private static Record mx(String owner, int preference, String exchange) {
        Name target = exchange.equals(".") ? Name.root : Name.fromConstantString(exchange + ".");
        return new MXRecord(name(owner), DClass.IN, 300, preference, target);
    }

    private static <T> DnsAnswer<T> resolve(ScriptedTransport transport, String question, int type,
            ResponseReader.RecordData<T> data) {
        return ResponseReader.resolve(question, DnsNames.toQueryName(question), type, data, transport);
    }

    @Test
    void records_areReturned_andRecordsOfOtherNamesIgnored() throws Exception {
        ScriptedTransport transport = new ScriptedTransport()
                .answer("mx.example.test", Rcode.NOERROR, a("mx.example.test", "127.0.0.1"),
                        a("evil.example.test", "192.0.2.66"), a("mx.example.test", "127.0.0.2"));

        DnsAnswer<InetAddress> answer = resolve(transport, "mx.example.test", Type.A, ResponseReader::ipv4);

        assertThat(answer).isEqualTo(new DnsAnswer.Records<>(List.of(
                InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"))));
    }

    @Test
    void cnameChainInTheAnswer_isFollowed_withoutAskingAgain() throws Exception {
        ScriptedTransport transport = new ScriptedTransport().answer("www.example.test", Rcode.NOERROR,
                cname("www.example.test", "web.example.test"), cname("web.example.test", "host.example.test"),
                a("host.example.test", "127.0.0.7"));

        DnsAnswer<InetAddress> answer = resolve(transport, "www.example.test", Type.A, ResponseReader::ipv4);

        assertThat(answer).isEqualTo(new DnsAnswer.Records<>(List.of(InetAddress.getByName("127.0.0.7"))));
        assertThat(transport.asked).containsExactly("www.example.test");
    }

    @Test
    void cnameIntoAnotherZone_asksForTheTarget() throws Exception {
        ScriptedTransport transport = new ScriptedTransport()
                .answer("www.example.test", Rcode.NOERROR, cname("www.example.test", "host.other.test"))
                .answer("host.other.test", Rcode.NOERROR, a("host.other.test", "127.0.0.8"));

        DnsAnswer<InetAddress> answer = resolve(transport, "www.example.test", Type.A, ResponseReader::ipv4);

        assertThat(answer).isEqualTo(new DnsAnswer.Records<>(List.of(InetAddress.getByName("127.0.0.8"))));
        assertThat(transport.asked).containsExactly("www.example.test", "host.other.test");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            NXDOMAIN                          | NXDOMAIN | ''                      | NxDomain
            NOERROR without records: NODATA   | NOERROR  | ''                      | NoData
            NXDOMAIN at the end of a CNAME    | NXDOMAIN | gone.example.test       | NxDomain
            """)
    void negativeAnswers(String description, String rcode, String cnameTarget, String expected) {
        ScriptedTransport transport = cnameTarget.isEmpty()
                ? new ScriptedTransport().answer("q.example.test", Rcode.value(rcode))
                : new ScriptedTransport().answer("q.example.test", Rcode.value(rcode), cname("q.example.test", cnameTarget));

        DnsAnswer<InetAddress> answer = resolve(transport, "q.example.test", Type.A, ResponseReader::ipv4);

        assertThat(answer.getClass().getSimpleName()).isEqualTo(expected);
        assertThat(answer).isIn(new DnsAnswer.NxDomain<>("q.example.test"), new DnsAnswer.NoData<>("q.example.test"));
    }

    @Test
    void cnameToANameWithoutData_isNoData_afterAskingTheTarget() {
        ScriptedTransport transport = new ScriptedTransport()
                .answer("q.example.test", Rcode.NOERROR, cname("q.example.test", "t.other.test"))
                .answer("t.other.test", Rcode.NOERROR);

        assertThat(resolve(transport, "q.example.test", Type.A, ResponseReader::ipv4))
                .isEqualTo(new DnsAnswer.NoData<>("q.example.test"));
    }

    @Test
    void cnameLoop_isATemporaryFailure() {
        ScriptedTransport transport = new ScriptedTransport().answer("a.example.test", Rcode.NOERROR,
                cname("a.example.test", "b.example.test"), cname("b.example.test", "a.example.test"));

        assertThat(resolve(transport, "a.example.test", Type.A, ResponseReader::ipv4))
                .isEqualTo(new DnsAnswer.TempFail<>("a.example.test", "CNAME loop at a.example.test"));
    }

    @Test
    void cnameChainTooLong_isATemporaryFailure_evenAcrossQuestions() {
        ScriptedTransport transport = new ScriptedTransport();
        for (int i = 0; i < 12; i++) {
            transport.answer("c" + i + ".example.test", Rcode.NOERROR, cname("c" + i + ".example.test", "c" + (i + 1) + ".example.test"));
        }

        assertThat(resolve(transport, "c0.example.test", Type.A, ResponseReader::ipv4))
                .isEqualTo(new DnsAnswer.TempFail<>("c0.example.test", "CNAME chain longer than 8 names"));
        assertThat(transport.asked).hasSize(ResponseReader.MAX_CNAME_HOPS + 1);
    }

    @Test
    void failedQuestion_keepsTheTransportReason_andSaysWhenItWasTheCnameTarget() {
        ScriptedTransport direct = new ScriptedTransport().fail("q.example.test", "SERVFAIL from 127.0.0.1:53");
        ScriptedTransport viaCname = new ScriptedTransport()
                .answer("q.example.test", Rcode.NOERROR, cname("q.example.test", "t.other.test"))
                .fail("t.other.test", "timed out after 5s at 127.0.0.1:53");

        assertThat(resolve(direct, "q.example.test", Type.MX, ResponseReader::mx))
                .isEqualTo(new DnsAnswer.TempFail<>("q.example.test", "SERVFAIL from 127.0.0.1:53"));
        assertThat(resolve(viaCname, "q.example.test", Type.MX, ResponseReader::mx))
                .isEqualTo(new DnsAnswer.TempFail<>("q.example.test",
                        "timed out after 5s at 127.0.0.1:53 (asking for t.other.test, the CNAME target)"));
    }

    @Test
    void mx_malformedExchangesAreDropped_andAllMalformedIsATemporaryFailure() {
        ScriptedTransport someBad = new ScriptedTransport().answer("example.test", Rcode.NOERROR,
                mx("example.test", 10, "mx_1.example.test"), mx("example.test", 20, "MX2.Example.Test"));
        ScriptedTransport allBad = new ScriptedTransport().answer("example.test", Rcode.NOERROR,
                mx("example.test", 10, "192.0.2.1"));

        assertThat(resolve(someBad, "example.test", Type.MX, ResponseReader::mx))
                .isEqualTo(new DnsAnswer.Records<>(List.of(new MxRecord(20, "mx2.example.test"))));
        assertThat(resolve(allBad, "example.test", Type.MX, ResponseReader::mx))
                .isInstanceOfSatisfying(DnsAnswer.TempFail.class, failed -> assertThat(failed.reason())
                        .startsWith("malformed MX record: MX exchange is not a host name")
                        .contains("192.0.2.1"));
    }

    @Test
    void mx_nullMx_isTheRoot() {
        ScriptedTransport transport = new ScriptedTransport().answer("example.test", Rcode.NOERROR, mx("example.test", 0, "."));

        assertThat(resolve(transport, "example.test", Type.MX, ResponseReader::mx))
                .isEqualTo(new DnsAnswer.Records<>(List.of(new MxRecord(0, "."))));
    }

    @Test
    void aaaa_ipv4Mapped_isRefused() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        Record record = new AAAARecord(name("mx.example.test"), DClass.IN, 300,
                java.net.Inet6Address.getByAddress(null, mapped, -1));
        ScriptedTransport transport = new ScriptedTransport().answer("mx.example.test", Rcode.NOERROR, record,
                new AAAARecord(name("mx.example.test"), DClass.IN, 300, InetAddress.getByName("::1")));

        assertThat(resolve(transport, "mx.example.test", Type.AAAA, ResponseReader::ipv6))
                .isEqualTo(new DnsAnswer.Records<>(List.of(InetAddress.getByName("::1"))));
    }

    @Test
    void txt_stringsOfOneRecordAreJoined_oneElementPerRecord() {
        ScriptedTransport transport = new ScriptedTransport().answer("example.test", Rcode.NOERROR,
                new TXTRecord(name("example.test"), DClass.IN, 300, List.of("v=spf1 ip4:192.0.2.1 ", "ip6:2001:db8::1 -all")),
                new TXTRecord(name("example.test"), DClass.IN, 300, List.of("bücher")));

        assertThat(resolve(transport, "example.test", Type.TXT, ResponseReader::txt))
                .isEqualTo(new DnsAnswer.Records<>(List.of("v=spf1 ip4:192.0.2.1 ip6:2001:db8::1 -all", "bücher")));
    }
}
