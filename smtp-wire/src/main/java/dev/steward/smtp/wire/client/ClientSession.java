package dev.steward.smtp.wire.client;

import dev.steward.smtp.wire.SmtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.Objects;
import java.util.Optional;

/**
 * The client side of one SMTP connection (RFC 5321), over a socket the caller has connected
 * (possibly from a chosen source address, within {@link ClientTimeouts#connect()}). Mechanism
 * only: it reports what the server said and what went wrong, and never decides whether to retry,
 * fall back to plaintext, or bounce (STYLE B3).
 *
 * <p><b>States.</b> Calls outside their state throw {@link IllegalStateException}.
 * <pre>
 *   CONNECTED --implicitTls()--> CONNECTED (TLS)
 *   CONNECTED --readGreeting()--> GREETED --ehlo()--> READY
 *   READY --startTls()--> READY (TLS; EHLO sent again, RFC 3207 §4.2)
 *   READY --authenticate()--> READY (authenticated; only under TLS)
 *   READY --send()--> READY   (any number of transactions; RSET first when the last one is open)
 *   READY --reset()--> READY
 *   any   --quit() / close() / a failure--> CLOSED
 * </pre>
 *
 * <p><b>Facts, not decisions.</b> Replies that belong to one message (MAIL, RCPT, DATA, the final
 * reply) come back as a {@link TransactionResult}; the session stays usable. TLS attempts come
 * back as a {@link TlsOutcome}. Everything that ends the conversation is a
 * {@link SmtpClientException} carrying a {@link ClientFailure} with its {@link Stage} and the time
 * spent: a greeting other than 220, EHLO and HELO refused, a timeout, a dropped connection, a
 * malformed reply. The connection is closed before the exception is thrown. A 421 reply anywhere
 * (RFC 5321 §3.8: the server is closing) also closes the session after the result is returned.
 *
 * <p><b>Timeouts.</b> Each reply wait has a deadline from {@link ClientTimeouts}; each write is
 * watched (a server that stops reading is cut off after {@link ClientTimeouts#dataBlock()}), and
 * so is the TLS handshake. One {@link IoWatchdog} watches all three by closing the connection at
 * the deadline; it is one virtual thread per session, ended by {@link #close()}.
 *
 * <p><b>Security.</b> Everything the server sends is untrusted: replies are bounded in line length
 * and count and stripped of control characters; plaintext the server sent after its STARTTLS 220
 * fails the upgrade. Envelope addresses and the EHLO name are checked so they cannot inject
 * commands. AUTH is refused by the session itself outside TLS, and the credentials go only onto
 * the wire, never into an exception or a string kept here. This class does not log.
 *
 * <p>Thread safety: one-thread-at-a-time. {@link #close()} may be called from any thread to abort
 * a blocked call.
 */
public final class ClientSession implements AutoCloseable {

    private enum State { CONNECTED, GREETED, READY, CLOSED }

    private final ClientWire wire;
    private final ClientTimeouts timeouts;
    private volatile State state = State.CONNECTED;  // volatile: close() may come from another thread
    private SmtpReply greeting;                      // the 220 greeting; null before readGreeting()
    private String clientName;                       // the name sent with EHLO/HELO; reused after STARTTLS
    private Capabilities capabilities = Capabilities.helo();  // from the last EHLO
    private TlsOutcome.Established tls;              // the TLS in use; null while plaintext
    private boolean authenticated;                   // AUTH succeeded
    private boolean transactionOpen;                 // MAIL accepted, not ended by a final reply: RSET before the next

    ClientSession(Transport transport, ClientTimeouts timeouts) {
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        try {
            this.wire = new ClientWire(transport, timeouts.command());
        } catch (IOException e) {
            transport.close();
            throw new UncheckedIOException("cannot open the socket's streams", e);
        }
    }

    /**
     * A session over a connected socket. Nothing is read or written yet: call
     * {@link #implicitTls} for port 465 style servers (RFC 8314), then {@link #readGreeting()}.
     * The session owns the socket from now on and closes it.
     */
    public static ClientSession over(Socket socket, ClientTimeouts timeouts) {
        return new ClientSession(new SocketTransport(Objects.requireNonNull(socket, "socket")), timeouts);
    }

    /**
     * Implicit TLS (RFC 8314 §3.3): the TLS handshake before the greeting. On
     * {@link TlsOutcome.Failed} the session is closed.
     *
     * @param serverName the name to verify the certificate against and to send as SNI
     */
    public TlsOutcome implicitTls(String serverName, TlsSettings settings) {
        requireState(State.CONNECTED, "implicitTls");
        if (tls != null) {
            throw new IllegalStateException("TLS is already in use");
        }
        return handshake(serverName, settings, System.nanoTime());
    }

    /**
     * Reads the greeting. Returns the 220 reply; any other reply (421 busy, 554 no service) is a
     * {@link ClientFailure.Rejected} at {@link Stage#GREETING}.
     */
    public SmtpReply readGreeting() throws SmtpClientException {
        requireState(State.CONNECTED, "readGreeting");
        wire.begin();
        SmtpReply reply = wire.read(Stage.GREETING, timeouts.greeting());
        if (reply.code() != 220) {
            // XXX RFC 5321 §3.1 suggests QUIT after a 554 greeting; closing at once is what Postfix does for 421.
            throw wire.abort(new ClientFailure.Rejected(Stage.GREETING, reply, wire.elapsed()), null);
        }
        greeting = reply;
        state = State.GREETED;
        return reply;
    }

    /**
     * Sends EHLO, and HELO if the server refuses EHLO with 5yz (RFC 5321 §4.1.4; then no extension
     * is used). Also ends any open transaction (§4.1.4). May be repeated.
     *
     * @param clientName this host's name (a fully qualified domain name, or an address literal
     *                   such as {@code [192.0.2.1]})
     * @return the capabilities, also kept in {@link #capabilities()}
     */
    public Capabilities ehlo(String clientName) throws SmtpClientException {
        requireReadyOr(State.GREETED, "ehlo");
        checkClientName(clientName);
        this.clientName = clientName;
        return sayHello();
    }

    private Capabilities sayHello() throws SmtpClientException {
        wire.begin();
        wire.writeLine("EHLO " + clientName);
        wire.flush(Stage.EHLO, timeouts.command());
        SmtpReply reply = wire.read(Stage.EHLO, timeouts.command());
        Capabilities result;
        if (reply.isPositiveCompletion()) {
            result = Capabilities.fromEhlo(reply);
        } else if (reply.isPermanentNegative()) {
            wire.writeLine("HELO " + clientName);
            wire.flush(Stage.EHLO, timeouts.command());
            SmtpReply helo = wire.read(Stage.EHLO, timeouts.command());
            if (!helo.isPositiveCompletion()) {
                throw wire.abort(new ClientFailure.Rejected(Stage.EHLO, helo, wire.elapsed()), null);
            }
            result = Capabilities.helo();
        } else {
            throw wire.abort(new ClientFailure.Rejected(Stage.EHLO, reply, wire.elapsed()), null);
        }
        capabilities = result;
        transactionOpen = false;
        state = State.READY;
        return result;
    }

    /**
     * STARTTLS (RFC 3207), then EHLO again with the same name, as §4.2 requires; the new
     * capabilities replace the old ones. Whether the server offered STARTTLS is the caller's
     * check ({@link Capabilities#startTls()}).
     *
     * @param serverName the name to verify the certificate against and to send as SNI: the MX or
     *                   smarthost host name
     * @return {@link TlsOutcome.Established} (the session goes on under TLS),
     *         {@link TlsOutcome.Refused} (still plaintext and usable unless the reply was 421), or
     *         {@link TlsOutcome.Failed} (the session is closed)
     * @throws SmtpClientException only from the EHLO after a successful handshake
     */
    public TlsOutcome startTls(String serverName, TlsSettings settings) throws SmtpClientException {
        requireState(State.READY, "startTls");
        if (tls != null) {
            throw new IllegalStateException("TLS is already in use");
        }
        if (transactionOpen) {
            throw new IllegalStateException("STARTTLS inside a mail transaction; reset() first");
        }
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(settings, "settings");
        long started = System.nanoTime();
        SmtpReply reply;
        try {
            wire.begin();
            wire.writeLine("STARTTLS");
            wire.flush(Stage.STARTTLS, timeouts.command());
            reply = wire.read(Stage.STARTTLS, timeouts.command());
        } catch (SmtpClientException e) {
            state = State.CLOSED;
            return new TlsOutcome.Failed(reasonFor(e.failure()), e.getMessage(), e.failure().elapsed());
        }
        if (reply.code() != 220) {
            closeIf421(reply);
            return new TlsOutcome.Refused(reply);
        }
        if (wire.hasBufferedInput()) {
            // Anything after the 220 arrived in plaintext and would be read as if it came over TLS.
            close();
            return new TlsOutcome.Failed(TlsOutcome.Reason.PROTOCOL, "plaintext sent after the STARTTLS reply",
                    wire.elapsed());
        }
        TlsOutcome outcome = handshake(serverName, settings, started);
        if (outcome instanceof TlsOutcome.Established) {
            // RFC 3207 §4.2: discard all knowledge from before TLS and ask again.
            capabilities = Capabilities.helo();
            sayHello();
        }
        return outcome;
    }

    private TlsOutcome handshake(String serverName, TlsSettings settings, long started) {
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(settings, "settings");
        Socket plain = wire.transport().plainSocket();
        if (plain == null) {
            throw new IllegalStateException("TLS needs a plaintext socket");
        }
        TlsUpgrade.Result result = TlsUpgrade.handshake(plain, serverName, settings, timeouts.tlsHandshake(),
                wire.watchdog(), started);
        if (result.outcome() instanceof TlsOutcome.Established established) {
            try {
                wire.upgraded(result.socket());
            } catch (IOException e) {
                close();
                return new TlsOutcome.Failed(TlsOutcome.Reason.CONNECTION_LOST, String.valueOf(e.getMessage()),
                        established.handshake());
            }
            tls = established;
        } else {
            close();
        }
        return result.outcome();
    }

    private static TlsOutcome.Reason reasonFor(ClientFailure failure) {
        return switch (failure) {
            case ClientFailure.TimedOut timedOut -> TlsOutcome.Reason.TIMEOUT;
            case ClientFailure.ProtocolViolation violation -> TlsOutcome.Reason.PROTOCOL;
            case ClientFailure.ConnectionLost lost -> TlsOutcome.Reason.CONNECTION_LOST;
            case ClientFailure.Rejected rejected -> TlsOutcome.Reason.PROTOCOL;
            case ClientFailure.ContentUnreadable unreadable -> TlsOutcome.Reason.PROTOCOL;
        };
    }

    /**
     * AUTH (RFC 4954) with PLAIN or LOGIN. Refused here, before anything is sent, unless the
     * connection is under TLS: both mechanisms send the password itself. Whether the server
     * offered the mechanism is the caller's check ({@link Capabilities#authMechanisms()}).
     *
     * @return the 235 reply
     * @throws SmtpClientException {@link ClientFailure.Rejected} at {@link Stage#AUTH} when the
     *                             server refused (535 bad credentials, 454, 504); the session stays
     *                             open so the caller can QUIT. Other failures close it.
     * @throws IllegalStateException not under TLS, already authenticated, or in a transaction
     */
    public SmtpReply authenticate(AuthMechanism mechanism, String username, String password) throws SmtpClientException {
        requireState(State.READY, "authenticate");
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (tls == null) {
            throw new IllegalStateException("AUTH refused: the connection is not under TLS");
        }
        if (authenticated) {
            throw new IllegalStateException("already authenticated (RFC 4954 §4: AUTH only once)");
        }
        if (transactionOpen) {
            throw new IllegalStateException("AUTH inside a mail transaction; reset() first");
        }
        if (username.indexOf('\0') >= 0 || password.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("user name and password cannot hold NUL (RFC 4616 §2)");
        }
        SmtpReply reply = AuthExchange.run(wire, timeouts.command(), mechanism, username, password);
        if (reply.code() != 235) {
            if (reply.code() == 421) {
                throw wire.abort(new ClientFailure.Rejected(Stage.AUTH, reply, wire.elapsed()), null);
            }
            throw new SmtpClientException(new ClientFailure.Rejected(Stage.AUTH, reply, wire.elapsed()), wire.peer(), null);
        }
        authenticated = true;
        return reply;
    }

    /**
     * Runs one mail transaction and streams {@code content} through dot-stuffing. If the previous
     * transaction was left open (no recipient accepted, DATA refused), RSET is sent first.
     *
     * @param content the message (RFC 5322, CRLF line ends), read to its end, not closed here
     * @return the replies; the session stays usable unless a reply was 421
     * @throws SmtpClientException the conversation failed (timeout, dropped connection, malformed
     *                             reply, unreadable content); the session is closed
     */
    public TransactionResult send(OutboundEnvelope envelope, InputStream content) throws SmtpClientException {
        requireState(State.READY, "send");
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(content, "content");
        if (transactionOpen) {
            reset();
        }
        TransactionResult result;
        boolean finished = false;
        try {
            result = new MailTransaction(wire, timeouts, capabilities, envelope).run(content);
            finished = true;
        } finally {
            if (!finished) {
                // Also for a runtime exception out of the caller's stream: never leave a half-sent DATA open.
                close();
            }
        }
        if (result instanceof TransactionResult.Attempted attempted) {
            // The transaction stays open on the server if MAIL was accepted and no final reply ended it;
            // a 354 to DATA always ends it (with the content or with a lone ".").
            transactionOpen = attempted.mail().isPositiveCompletion() && attempted.end() == null
                    && (attempted.data() == null || !attempted.data().isPositiveIntermediate());
            closeIf421(attempted.mail());
            attempted.recipients().forEach(recipient -> closeIf421(recipient.reply()));
            if (attempted.data() != null) {
                closeIf421(attempted.data());
            }
            if (attempted.end() != null) {
                closeIf421(attempted.end());
            }
        }
        return result;
    }

    /**
     * RSET (RFC 5321 §4.1.1.5): ends any transaction. Anything but 250 is a
     * {@link ClientFailure.Rejected} at {@link Stage#RSET}, and the session is closed: its state
     * on the server is unknown.
     */
    public SmtpReply reset() throws SmtpClientException {
        requireState(State.READY, "reset");
        wire.begin();
        wire.writeLine("RSET");
        wire.flush(Stage.RSET, timeouts.command());
        SmtpReply reply = wire.read(Stage.RSET, timeouts.command());
        if (!reply.isPositiveCompletion()) {
            throw wire.abort(new ClientFailure.Rejected(Stage.RSET, reply, wire.elapsed()), null);
        }
        transactionOpen = false;
        return reply;
    }

    /** QUIT (RFC 5321 §4.1.1.10), then closes the connection. Returns the reply, whatever its code. */
    public SmtpReply quit() throws SmtpClientException {
        if (state == State.CLOSED || wire.isClosed()) {
            throw new IllegalStateException("session closed");
        }
        wire.begin();
        wire.writeLine("QUIT");
        wire.flush(Stage.QUIT, timeouts.command());
        SmtpReply reply = wire.read(Stage.QUIT, timeouts.command());
        close();
        return reply;
    }

    /** Closes the connection without QUIT and stops the watchdog. Idempotent; any thread. */
    @Override
    public void close() {
        state = State.CLOSED;
        wire.close();
    }

    /** Whether the connection is still open: no failure, no QUIT, no close. */
    public boolean isOpen() {
        return state != State.CLOSED && !wire.isClosed();
    }

    /** The capabilities from the last EHLO; {@link Capabilities#helo()} before EHLO, after HELO, and right after TLS. */
    public Capabilities capabilities() {
        return capabilities;
    }

    /** The TLS in use, or empty while the connection is plaintext. */
    public Optional<TlsOutcome.Established> tls() {
        return Optional.ofNullable(tls);
    }

    /** The 220 greeting, or empty before {@link #readGreeting()}. */
    public Optional<SmtpReply> greeting() {
        return Optional.ofNullable(greeting);
    }

    /** Whether AUTH succeeded on this connection. */
    public boolean isAuthenticated() {
        return authenticated;
    }

    /** The server's address as text, such as {@code 192.0.2.1:25}. */
    public String peer() {
        return wire.peer();
    }

    private void closeIf421(SmtpReply reply) {
        if (reply.code() == 421) {
            close();
        }
    }

    private void requireState(State wanted, String operation) {
        State current = currentState();
        if (current != wanted) {
            throw new IllegalStateException(operation + " needs state " + wanted + ", session is " + current);
        }
    }

    private void requireReadyOr(State alternative, String operation) {
        State current = currentState();
        if (current != State.READY && current != alternative) {
            throw new IllegalStateException(operation + " needs state " + alternative + " or READY, session is " + current);
        }
    }

    private State currentState() {
        if (wire.isClosed()) {
            state = State.CLOSED;
        }
        return state;
    }

    /** RFC 5321 §4.1.1.1: a domain or an address literal; no blanks or controls that could add a command. */
    private static void checkClientName(String name) {
        Objects.requireNonNull(name, "clientName");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty client name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == 0x7f || Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw new IllegalArgumentException("client name holds a blank or control character at index " + i);
            }
        }
    }
}
