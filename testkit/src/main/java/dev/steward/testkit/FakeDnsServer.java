package dev.steward.testkit;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Type;

/**
 * A real DNS server on loopback for tests: UDP and TCP on the same port of {@code 127.0.0.1},
 * answering from a {@link DnsZone} with dnsjava's message classes. Point
 * {@code [dns] servers} (or {@code DnsConfig}) at {@link #server()}.
 *
 * <p><b>What it answers.</b> Names under {@code .test} or {@code .invalid} (RFC 2606), and the
 * reverse names of loopback and the documentation ranges ({@code 127.0.0.0/8}, {@code ::1},
 * RFC 5737's three /24s, RFC 3849's {@code 2001:db8::/32}), come from the zone; anything else gets
 * REFUSED, so a miswired test can never reach, or leak questions to,
 * real DNS. CNAMEs are followed inside the zone, as an authoritative server does for its own
 * names (turn that off with {@link #followCnames(boolean)} to act like a server whose CNAME targets
 * live in another zone). A name without records is NXDOMAIN unless a name below it has records
 * (NODATA). Scripted faults ({@link DnsZone.Fault}): SERVFAIL, NXDOMAIN, DROP (no response: the
 * client times out), TRUNCATE (over UDP an empty response with TC set; over TCP the full answer).
 * A UDP answer larger than the client's EDNS payload size (512 octets without EDNS) is truncated
 * the same way, as real servers do.
 *
 * <p><b>Counting.</b> {@link #udpQueries()}, {@link #tcpQueries()} and {@link #queries()} record
 * every question received, so a test can assert that a TCP retry happened, or that no AAAA
 * question was asked.
 *
 * <p><b>Lifecycle and threads</b> (STYLE B8). {@link #start()} binds both sockets (retrying on a
 * fresh port if the TCP side of the chosen UDP port is taken) and starts one virtual thread for
 * UDP, one accepting TCP, and one per TCP connection; it throws if called twice. The zone can be
 * replaced while running ({@link #replaceZone}). {@link #stop()} / {@link #close()} close every
 * socket and join the threads; a stopped server cannot be started again.
 *
 * <p>Thread safety: thread-safe.
 */
public final class FakeDnsServer implements AutoCloseable {

    /** The transport a query came over. */
    public enum Transport { UDP, TCP }

    /** One question received: {@code transport}, name (no trailing dot, lowercase) and type ({@code "MX"}). */
    public record Query(Transport transport, String name, String type) {}

    private static final Name TEST = Name.fromConstantString("test.");
    private static final Name INVALID = Name.fromConstantString("invalid.");
    private static final List<Name> TEST_REVERSE = List.of(
            Name.fromConstantString("127.in-addr.arpa."),
            Name.fromConstantString("2.0.192.in-addr.arpa."),
            Name.fromConstantString("100.51.198.in-addr.arpa."),
            Name.fromConstantString("113.0.203.in-addr.arpa."),
            Name.fromConstantString("8.b.d.0.1.0.0.2.ip6.arpa."),
            Name.fromConstantString("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa."));
    private static final int PLAIN_UDP_LIMIT = 512; // RFC 1035 §4.2.1
    private static final int OUR_EDNS_PAYLOAD = 1232; // DNS flag day 2020
    private static final int BIND_TRIES = 20;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private volatile DnsZone zone; // replaced by replaceZone
    private volatile boolean followCnames = true; // set before or during the run
    private final AtomicInteger udpQueries = new AtomicInteger();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet(); // open TCP connections

    private final Object lifecycle = new Object();
    private boolean started; // guarded by lifecycle
    private boolean stopped; // guarded by lifecycle
    private DatagramSocket udp; // set by start
    private ServerSocket tcp; // set by start
    private final List<Thread> threads = new CopyOnWriteArrayList<>(); // UDP, accept, connections

    public FakeDnsServer(DnsZone zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** Binds 127.0.0.1 (UDP and TCP, one port chosen by the system) and starts serving. */
    public FakeDnsServer start() {
        synchronized (lifecycle) {
            if (started) {
                throw new IllegalStateException("FakeDnsServer already started" + (stopped ? " and stopped" : ""));
            }
            started = true;
            bind();
            threads.add(Thread.ofVirtual().name("fake-dns-udp-" + port()).start(this::serveUdp));
            threads.add(Thread.ofVirtual().name("fake-dns-tcp-accept-" + port()).start(this::acceptTcp));
            return this;
        }
    }

    private void bind() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        IOException last = null;
        for (int i = 0; i < BIND_TRIES; i++) {
            DatagramSocket datagram = null;
            try {
                datagram = new DatagramSocket(new InetSocketAddress(loopback, 0));
                ServerSocket stream = new ServerSocket();
                try {
                    stream.bind(new InetSocketAddress(loopback, datagram.getLocalPort()));
                } catch (IOException taken) {
                    stream.close();
                    throw taken;
                }
                udp = datagram;
                tcp = stream;
                return;
            } catch (BindException portTakenForTcp) {
                last = portTakenForTcp;
                datagram.close();
            } catch (IOException other) {
                if (datagram != null) {
                    datagram.close();
                }
                throw new UncheckedIOException("FakeDnsServer cannot bind 127.0.0.1", other);
            }
        }
        throw new UncheckedIOException("FakeDnsServer found no port free for both UDP and TCP in " + BIND_TRIES
                + " tries", last);
    }

    /** The port, the same for UDP and TCP. */
    public int port() {
        synchronized (lifecycle) {
            if (udp == null) {
                throw new IllegalStateException("FakeDnsServer not started");
            }
            return udp.getLocalPort();
        }
    }

    /** {@code 127.0.0.1:PORT}, as {@code [dns] servers} takes it. */
    public String server() {
        return "127.0.0.1:" + port();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    /** Serves {@code replacement} from the next question on (for "fails first, then works" tests). */
    public void replaceZone(DnsZone replacement) {
        this.zone = Objects.requireNonNull(replacement, "replacement");
    }

    /** False: answer a CNAME without the target's records, like a server authoritative only for the alias. */
    public FakeDnsServer followCnames(boolean follow) {
        this.followCnames = follow;
        return this;
    }

    public int udpQueries() {
        return udpQueries.get();
    }

    public int tcpQueries() {
        return tcpQueries.get();
    }

    /** Every question received so far, in arrival order. */
    public List<Query> queries() {
        return List.copyOf(queries);
    }

    /** Closes the sockets and joins the threads. Idempotent. */
    public void stop() {
        List<Thread> toJoin;
        synchronized (lifecycle) {
            if (!started || stopped) {
                stopped = true;
                return;
            }
            stopped = true;
            udp.close();
            try {
                tcp.close();
            } catch (IOException ignored) {
                // closing a listening socket has nothing to flush; the accept thread ends either way
            }
            for (Socket connection : connections) {
                closeQuietly(connection);
            }
            toJoin = new ArrayList<>(threads);
        }
        for (Thread thread : toJoin) {
            try {
                if (!thread.join(JOIN_TIMEOUT)) {
                    throw new IllegalStateException("FakeDnsServer thread " + thread.getName() + " did not stop within "
                            + JOIN_TIMEOUT);
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!udp.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException closed) {
                return; // stop() closed the socket
            }
            Message query = parse(buffer, packet.getLength());
            if (query == null) {
                continue;
            }
            count(Transport.UDP, query);
            Optional<Message> response = ZoneAnswers.answer(zone, query, Transport.UDP, followCnames);
            if (response.isEmpty()) {
                continue; // scripted DROP
            }
            byte[] wire = response.get().toWire(udpLimit(query));
            try {
                udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException closedOrUnreachable) {
                // the client went away or stop() closed the socket; nothing to answer
            }
        }
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            Socket connection;
            try {
                connection = tcp.accept();
            } catch (IOException closed) {
                return; // stop() closed the socket
            }
            // Registered under the lifecycle lock, so stop() either sees this connection (and closes
            // and joins it) or has already stopped, and then the connection is closed right here.
            synchronized (lifecycle) {
                if (stopped) {
                    closeQuietly(connection);
                    return;
                }
                connections.add(connection);
                threads.add(Thread.ofVirtual().name("fake-dns-tcp-" + connection.getPort())
                        .start(() -> serveTcp(connection)));
            }
        }
    }

    /** RFC 7766 §8: two-octet length, then the message; several queries may share a connection. */
    private void serveTcp(Socket connection) {
        try (connection) {
            DataInputStream in = new DataInputStream(connection.getInputStream());
            DataOutputStream out = new DataOutputStream(connection.getOutputStream());
            while (true) {
                int length = in.readUnsignedShort();
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length) {
                    return;
                }
                Message query = parse(bytes, length);
                if (query == null) {
                    return;
                }
                count(Transport.TCP, query);
                Optional<Message> response = ZoneAnswers.answer(zone, query, Transport.TCP, followCnames);
                if (response.isEmpty()) {
                    continue; // scripted DROP: keep the connection, never answer
                }
                byte[] wire = response.get().toWire(Message.MAXLENGTH);
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (EOFException | SocketException closed) {
            // the client closed the connection, or stop() did
        } catch (IOException broken) {
            // a broken connection ends this connection only
        } finally {
            connections.remove(connection);
        }
    }

    private void count(Transport transport, Message query) {
        (transport == Transport.UDP ? udpQueries : tcpQueries).incrementAndGet();
        var question = query.getQuestion();
        queries.add(question == null ? new Query(transport, "", "")
                : new Query(transport, question.getName().toString(true), Type.string(question.getType())));
    }

    private static int udpLimit(Message query) {
        OPTRecord opt = query.getOPT();
        return opt == null ? PLAIN_UDP_LIMIT : Math.max(PLAIN_UDP_LIMIT, Math.min(opt.getPayloadSize(), OUR_EDNS_PAYLOAD));
    }

    private static Message parse(byte[] bytes, int length) {
        try {
            return new Message(java.util.Arrays.copyOf(bytes, length));
        } catch (IOException garbage) {
            return null; // not a DNS message: ignore it, as a server does
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing to stop; nothing left to do
        }
    }

    static boolean servable(Name name) {
        return name.subdomain(TEST) || name.subdomain(INVALID) || TEST_REVERSE.stream().anyMatch(name::subdomain);
    }
}
