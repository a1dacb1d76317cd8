package dev.steward.testkit;

import dev.steward.smtp.wire.SmtpReply;
import dev.steward.smtp.wire.client.Stage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;

/**
 * A real SMTP server on {@code 127.0.0.1}, port 0, for tests of SMTP clients (maddy
 * {@code internal/testutils/smtp_server.go}). It records each accepted message (envelope and the
 * exact DATA bytes after dot-unstuffing) and each connection's transcript, and it can be scripted
 * to misbehave.
 *
 * <p><b>Variants</b> (set on the {@link Builder}): plaintext; STARTTLS with a {@link TestCa}
 * context; broken STARTTLS (advertised, answered 220, then garbage or a close); implicit TLS
 * (port 465 style); AUTH PLAIN and LOGIN with one test credential; with or without PIPELINING,
 * 8BITMIME, SMTPUTF8, SIZE, ENHANCEDSTATUSCODES; extra EHLO keywords; EHLO refused (for the HELO
 * fallback).
 *
 * <p><b>Scripts.</b> {@link Builder#reply(Stage, SmtpReply)} answers every command of a stage
 * with a fixed reply; {@link Builder#replyToRecipient} answers one RCPT address;
 * {@link Builder#script} decides per stage, argument and message number; {@link Builder#stall}
 * never answers at a stage (it reads and drops input until the client or the server closes);
 * {@link Builder#disconnect} closes the connection instead of answering. At {@link Stage#CONTENT},
 * stall means the server stops reading the message (until the server closes), and disconnect
 * means it closes after reading the first bytes.
 *
 * <p><b>Protocol.</b> Commands are read with the production {@code SmtpInput} (so the client's
 * bytes are held to the same limits as by our intake); replies are flushed only when no input is
 * buffered, as RFC 2920 asks of a pipelining server. Without scripts it answers like a permissive
 * MTA: 250 to MAIL and RCPT, 554 to DATA without recipients, 552 to a SIZE over the advertised
 * limit, 555 to BODY=8BITMIME or SMTPUTF8 when not advertised, 235 to the right credential.
 *
 * <p><b>Threads.</b> One virtual thread accepts; one virtual thread serves each connection.
 * {@link #close()} closes the listener and all connections, releases stalls and joins the threads.
 * {@link #openConnections()} and {@link #awaitNoOpenConnections} give a connection-leak check.
 *
 * <p>Thread safety: thread-safe.
 */
public final class RecordingSmtpServer implements AutoCloseable {

    /** How a broken STARTTLS fails after its 220. */
    public enum BrokenTls {
        /** Sends bytes that are not a TLS record, then closes. */
        GARBAGE,
        /** Closes the connection at once. */
        CLOSE,
        /** Says nothing more (reading and dropping the client's bytes): the client's handshake times out. */
        SILENT
    }

    /**
     * Decides a reply; null means "no script: answer as usual".
     */
    @FunctionalInterface
    public interface Script {
        /**
         * @param stage        the command's stage ({@link Stage#EHLO} also for HELO; {@link Stage#DOT}
         *                     for the reply after the content)
         * @param argument     the command's argument: the path for MAIL and RCPT, the mechanism
         *                     for AUTH, {@code ""} otherwise
         * @param messageIndex the server-wide number of the current transaction, from 0, counted
         *                     at each MAIL; -1 before the first
         */
        SmtpReply replyTo(Stage stage, String argument, int messageIndex);
    }

    /** Immutable settings the connections share. */
    record Settings(String hostname, boolean pipelining, boolean eightBitMime, boolean smtpUtf8, boolean enhancedStatusCodes,
                    long size, List<String> extraKeywords, boolean refuseEhlo, SSLContext startTls, BrokenTls brokenTls,
                    SSLContext implicitTls, String authUser, String authPassword, SmtpReply greeting,
                    Map<Stage, SmtpReply> replies, Map<String, SmtpReply> recipientReplies, Script script,
                    Set<Stage> stalls, Set<Stage> disconnects, long maxMessageSize) {
    }

    private final Settings settings;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final CountDownLatch closing = new CountDownLatch(1);   // released by close(): stalls end
    private final AtomicInteger messageCounter = new AtomicInteger(-1);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<RecordedConnection> connections = new ArrayList<>();  // guarded by lock
    private final List<Socket> sockets = new ArrayList<>();                  // open sockets; guarded by lock
    private final List<Thread> threads = new ArrayList<>();                  // connection threads; guarded by lock
    private final List<ReceivedMessage> messages = new ArrayList<>();        // guarded by lock
    private int open;                                                        // open connections; guarded by lock
    private boolean closed;                                                  // guarded by lock

    private RecordingSmtpServer(Settings settings, int receiveBufferSize) throws IOException {
        this.settings = settings;
        this.listener = new ServerSocket();
        if (receiveBufferSize > 0) {
            listener.setReceiveBufferSize(receiveBufferSize);   // inherited by accepted sockets
        }
        listener.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 50);
        this.acceptor = Thread.ofVirtual().name("recording-smtp-accept-" + listener.getLocalPort()).unstarted(this::accept);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A plaintext server with the default extensions. */
    public static RecordingSmtpServer startPlain() throws IOException {
        return builder().start();
    }

    /** The listening address, {@code 127.0.0.1} and the chosen port. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** A new client socket connected to this server. */
    public Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(address(), 5_000);
        return socket;
    }

    /** The messages accepted so far, in order. */
    public List<ReceivedMessage> messages() {
        lock.lock();
        try {
            return List.copyOf(messages);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until at least {@code count} messages were accepted; throws {@link AssertionError} after {@code timeout}. */
    public List<ReceivedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        awaitCondition(() -> messages.size() >= count, timeout, () -> "expected " + count + " messages, got " + messages.size());
        return messages();
    }

    /** The connections so far, in accept order. */
    public List<RecordedConnection> connections() {
        lock.lock();
        try {
            return List.copyOf(connections);
        } finally {
            lock.unlock();
        }
    }

    /** Connection {@code index} (from 0). */
    public RecordedConnection connection(int index) {
        return connections().get(index);
    }

    /** Connections accepted so far. */
    public int acceptedConnections() {
        lock.lock();
        try {
            return connections.size();
        } finally {
            lock.unlock();
        }
    }

    /** Connections the server still holds open: the connection-leak check. */
    public int openConnections() {
        lock.lock();
        try {
            return open;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every connection has ended (the client closed or quit); throws
     * {@link AssertionError} after {@code timeout}, naming the open ones: a leaked connection.
     */
    public void awaitNoOpenConnections(Duration timeout) throws InterruptedException {
        awaitCondition(() -> open == 0, timeout, () -> open + " connection(s) still open");
    }

    /** Closes the listener and every connection, ends stalls, and joins the threads. Idempotent. */
    @Override
    public void close() {
        List<Socket> toClose;
        List<Thread> toJoin;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            toClose = List.copyOf(sockets);
            toJoin = new ArrayList<>(threads);
        } finally {
            lock.unlock();
        }
        closing.countDown();
        closeQuietly(listener);
        toClose.forEach(RecordingSmtpServer::closeQuietly);
        toJoin.add(acceptor);
        for (Thread thread : toJoin) {
            try {
                if (!thread.join(Duration.ofSeconds(5))) {
                    throw new IllegalStateException("thread " + thread.getName() + " did not end within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private RecordingSmtpServer begin() {
        acceptor.start();
        return this;
    }

    private void accept() {
        while (true) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return;   // closed
            }
            lock.lock();
            try {
                if (closed) {
                    closeQuietly(socket);
                    return;
                }
                RecordedConnection record = new RecordedConnection(connections.size());
                connections.add(record);
                sockets.add(socket);
                open++;
                Thread thread = Thread.ofVirtual().name("recording-smtp-" + port() + "-" + record.index())
                        .unstarted(() -> serve(socket, record));
                threads.add(thread);
                thread.start();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void serve(Socket socket, RecordedConnection record) {
        try {
            socket.setSoTimeout(60_000);   // a safety net: a forgotten client must not hold the thread forever
            new ServerConversation(settings, socket, record, this).run();
        } catch (IOException e) {
            record.note("connection ended: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            closeQuietly(socket);
            record.closed();
            lock.lock();
            try {
                sockets.remove(socket);
                open--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Called by a conversation when a message was accepted. */
    void accepted(ReceivedMessage message) {
        lock.lock();
        try {
            messages.add(message);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Numbers the next transaction (at MAIL). */
    int nextMessageIndex() {
        return messageCounter.incrementAndGet();
    }

    /** Blocks a stalled conversation until the server closes. */
    void awaitClosing() throws InterruptedException {
        closing.await();
    }

    private void awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout,
                                java.util.function.Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError(failure.get() + " after " + timeout);
                }
                changed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing for cleanup: nothing to report.
        }
    }

    /**
     * Settings for a {@link RecordingSmtpServer}. Defaults: host name {@code mx.test}; PIPELINING,
     * 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES and {@code SIZE 10485760} advertised; no TLS, no
     * AUTH; no scripts.
     */
    public static final class Builder {

        private String hostname = "mx.test";
        private boolean pipelining = true;
        private boolean eightBitMime = true;
        private boolean smtpUtf8 = true;
        private boolean enhancedStatusCodes = true;
        private long size = 10L * 1024 * 1024;
        private final List<String> extraKeywords = new ArrayList<>();
        private boolean refuseEhlo;
        private SSLContext startTls;
        private BrokenTls brokenTls;
        private SSLContext implicitTls;
        private String authUser;
        private String authPassword;
        private SmtpReply greeting;
        private final Map<Stage, SmtpReply> replies = new EnumMap<>(Stage.class);
        private final Map<String, SmtpReply> recipientReplies = new HashMap<>();
        private Script script = (stage, argument, messageIndex) -> null;
        private final Set<Stage> stalls = EnumSet.noneOf(Stage.class);
        private final Set<Stage> disconnects = EnumSet.noneOf(Stage.class);
        private long maxMessageSize = 64L * 1024 * 1024;
        private int receiveBufferSize;

        private Builder() {
        }

        public Builder hostname(String hostname) {
            this.hostname = Objects.requireNonNull(hostname, "hostname");
            return this;
        }

        public Builder pipelining(boolean advertised) {
            this.pipelining = advertised;
            return this;
        }

        public Builder eightBitMime(boolean advertised) {
            this.eightBitMime = advertised;
            return this;
        }

        public Builder smtpUtf8(boolean advertised) {
            this.smtpUtf8 = advertised;
            return this;
        }

        public Builder enhancedStatusCodes(boolean advertised) {
            this.enhancedStatusCodes = advertised;
            return this;
        }

        /** Advertise {@code SIZE limit} (0: no fixed limit) and refuse larger MAIL SIZE= with 552. */
        public Builder size(long limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0");
            }
            this.size = limit;
            return this;
        }

        /** Do not advertise SIZE. */
        public Builder noSize() {
            this.size = -1;
            return this;
        }

        /** More EHLO lines, after the standard ones (a long multi-line EHLO reply). */
        public Builder extraEhloKeywords(String... keywords) {
            extraKeywords.addAll(List.of(keywords));
            return this;
        }

        /** Answer EHLO with {@code 502 5.5.1}, so clients fall back to HELO. */
        public Builder refuseEhlo() {
            this.refuseEhlo = true;
            return this;
        }

        /** Advertise STARTTLS and do it with this context ({@link TestCa#serverContext()}). */
        public Builder startTls(SSLContext context) {
            this.startTls = Objects.requireNonNull(context, "context");
            return this;
        }

        /** Advertise STARTTLS, answer 220, then fail as {@code how} says. */
        public Builder brokenStartTls(BrokenTls how) {
            this.brokenTls = Objects.requireNonNull(how, "how");
            return this;
        }

        /** TLS from the first byte (port 465 style), with this context. */
        public Builder implicitTls(SSLContext context) {
            this.implicitTls = Objects.requireNonNull(context, "context");
            return this;
        }

        /** Advertise {@code AUTH PLAIN LOGIN} (also without TLS) and accept this credential only. */
        public Builder auth(String user, String password) {
            this.authUser = Objects.requireNonNull(user, "user");
            this.authPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /** The greeting instead of {@code 220 <hostname> ESMTP} (e.g. {@code 421 4.3.2}). */
        public Builder greeting(SmtpReply reply) {
            this.greeting = Objects.requireNonNull(reply, "reply");
            return this;
        }

        /** Answer every command of {@code stage} with {@code reply} ({@link Stage#DOT}: after the content). */
        public Builder reply(Stage stage, SmtpReply reply) {
            replies.put(Objects.requireNonNull(stage, "stage"), Objects.requireNonNull(reply, "reply"));
            return this;
        }

        /** Answer {@code RCPT TO:<address>} (compared ignoring ASCII case) with {@code reply}. */
        public Builder replyToRecipient(String address, SmtpReply reply) {
            recipientReplies.put(address.toLowerCase(Locale.ROOT), Objects.requireNonNull(reply, "reply"));
            return this;
        }

        /** Decide replies in code; consulted after {@link #replyToRecipient} and before {@link #reply}. */
        public Builder script(Script script) {
            this.script = Objects.requireNonNull(script, "script");
            return this;
        }

        /** Never answer at {@code stage}: input is dropped until the client gives up or the server closes. */
        public Builder stall(Stage stage) {
            stalls.add(Objects.requireNonNull(stage, "stage"));
            return this;
        }

        /** Close the connection at {@code stage} instead of answering. */
        public Builder disconnect(Stage stage) {
            disconnects.add(Objects.requireNonNull(stage, "stage"));
            return this;
        }

        /** Largest DATA content accepted (default 64 MiB). */
        public Builder maxMessageSize(long octets) {
            this.maxMessageSize = octets;
            return this;
        }

        /** A small socket receive buffer, so a client writing a large message blocks when the server stops reading. */
        public Builder receiveBufferSize(int octets) {
            this.receiveBufferSize = octets;
            return this;
        }

        /** Binds to 127.0.0.1 on a free port and starts accepting. */
        public RecordingSmtpServer start() throws IOException {
            if (startTls != null && brokenTls != null) {
                throw new IllegalStateException("choose startTls or brokenStartTls");
            }
            Settings settings = new Settings(hostname, pipelining, eightBitMime, smtpUtf8, enhancedStatusCodes, size,
                    List.copyOf(extraKeywords), refuseEhlo, startTls, brokenTls, implicitTls, authUser, authPassword,
                    greeting, Map.copyOf(replies), Map.copyOf(recipientReplies), script, Set.copyOf(stalls),
                    Set.copyOf(disconnects), maxMessageSize);
            return new RecordingSmtpServer(settings, receiveBufferSize).begin();
        }
    }
}
