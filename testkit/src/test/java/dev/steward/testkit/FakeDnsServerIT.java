package dev.steward.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The fake server itself: lifecycle, refusal of real names, raw-wire behaviour. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked socket fails, not hangs
class FakeDnsServerIT {

    private static Message ask(FakeDnsServer server, String name, int type, boolean tcp) throws Exception {
        SimpleResolver resolver = new SimpleResolver(server.address());
        resolver.setTCP(tcp);
        resolver.setIgnoreTruncation(true);
        resolver.setTimeout(Duration.ofSeconds(2));
        return resolver.send(Message.newQuery(Record.newRecord(DnsZone.name(name), type, DClass.IN)));
    }

    @Test
    void lifecycle_startTwiceThrows_portBeforeStartThrows_stopIsIdempotent() {
        FakeDnsServer server = new FakeDnsServer(DnsZone.empty());
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class).hasMessage("FakeDnsServer not started");

        server.start();
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        assertThat(server.server()).isEqualTo("127.0.0.1:" + server.port());

        server.stop();
        server.close();
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("FakeDnsServer already started and stopped");
    }

    @Test
    void stop_closesTheSockets() throws Exception {
        FakeDnsServer server = new FakeDnsServer(DnsZone.builder().a("host.test", "127.0.0.1").build()).start();
        int port = server.port();
        try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port)) {
            open.setSoTimeout(5000); // a bug must fail the test, not hang it
            // One query answered proves the server accepted this connection before stop().
            byte[] query = Message.newQuery(Record.newRecord(DnsZone.name("host.test"), Type.A, DClass.IN)).toWire();
            DataOutputStream out = new DataOutputStream(open.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(open.getInputStream());
            Message reply = new Message(in.readNBytes(in.readUnsignedShort()));
            assertThat(reply.getSection(Section.ANSWER)).hasSize(1);

            server.stop();

            assertThat(in.read()).as("server closed the open connection").isEqualTo(-1);
        }
        // The UDP port is free again: binding it succeeds.
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).close();
    }

    @Test
    void realNames_areRefused_testAndInvalidAreServed() throws Exception {
        try (FakeDnsServer server = new FakeDnsServer(DnsZone.builder()
                .a("example.com", "127.0.0.1").a("host.test", "127.0.0.1").a("host.invalid", "127.0.0.1").build()).start()) {

            assertThat(ask(server, "example.com", Type.A, false).getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(ask(server, "localhost", Type.A, false).getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(ask(server, "host.test", Type.A, false).getSection(Section.ANSWER)).hasSize(1);
            assertThat(ask(server, "host.invalid", Type.A, true).getSection(Section.ANSWER)).hasSize(1);
        }
    }

    @Test
    void truncateFault_udpGetsTcBit_tcpGetsTheAnswer() throws Exception {
        try (FakeDnsServer server = new FakeDnsServer(DnsZone.builder()
                .a("host.test", "127.0.0.1").truncate("host.test").build()).start()) {

            Message udp = ask(server, "host.test", Type.A, false);
            Message tcp = ask(server, "host.test", Type.A, true);

            assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
            assertThat(udp.getSection(Section.ANSWER)).isEmpty();
            assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(tcp.getSection(Section.ANSWER)).hasSize(1);
            assertThat(server.udpQueries()).isEqualTo(1);
            assertThat(server.tcpQueries()).isEqualTo(1);
        }
    }

    @Test
    void garbage_isIgnored_andTheServerKeepsAnswering() throws Exception {
        try (FakeDnsServer server = new FakeDnsServer(DnsZone.builder().a("host.test", "127.0.0.1").build()).start();
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] junk = {1, 2, 3};
            client.send(new DatagramPacket(junk, junk.length, server.address()));

            assertThat(ask(server, "host.test", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(server.udpQueries()).as("garbage is not a query").isEqualTo(1);
        }
    }

    @Test
    void nxdomainFault_overridesRecords() throws Exception {
        try (FakeDnsServer server = new FakeDnsServer(DnsZone.builder()
                .a("host.test", "127.0.0.1").nxdomain("host.test", "A").build()).start()) {

            assertThat(ask(server, "host.test", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(ask(server, "host.test", Type.AAAA, false).getRcode()).as("other types unaffected").isEqualTo(Rcode.NOERROR);
        }
    }
}
