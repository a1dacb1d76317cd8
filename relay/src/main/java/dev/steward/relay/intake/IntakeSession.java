package dev.steward.relay.intake;

import dev.steward.common.io.DiskFull;
import dev.steward.common.text.LogLine;
import dev.steward.mail.model.EmailAddress;
import dev.steward.relay.policy.SenderPolicy;
import dev.steward.smtp.wire.CommandParser;
import dev.steward.smtp.wire.DataResult;
import dev.steward.smtp.wire.LineProblem;
import dev.steward.smtp.wire.CommandSyntaxException;
import dev.steward.smtp.wire.PathCommand;
import dev.steward.smtp.wire.SmtpCommand;
import dev.steward.smtp.wire.SmtpInput;
import dev.steward.smtp.wire.SmtpReply;
import dev.steward.smtp.wire.SmtpSyntaxException;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP session with a local application (RFC 5321 server side, send-only).
 *
 * <p><b>State machine.</b> CONNECTED → (access check) → GREETED → HELO/EHLO → READY →
 * MAIL → RCPT+ → DATA → READY … → QUIT. RSET, HELO and EHLO return to READY (RFC 5321 §4.1.4);
 * the end of DATA always ends the transaction, whatever the outcome.
 *
 * <p><b>Not offered here, on purpose.</b> The listener is loopback-only and talks to the app on
 * the same machine, so: no STARTTLS (nothing on the wire to protect, and a certificate on every app
 * server would only add a failure mode); no AUTH (the trust boundary is the loopback interface
 * plus the sender policy, and apps are configured with "authentication: none"); no CHUNKING/BDAT
 * (one way to end a message, {@code <CR><LF>.<CR><LF>}, is the whole of our smuggling defence).
 * Those verbs answer {@code 502 5.5.1}.
 *
 * <p><b>Limits.</b> Command line length, recipients, errors per session, command and DATA
 * timeouts, message size and DATA line length, all from {@code [intake]}. Replies carry RFC 3463
 * enhanced codes except the greeting and the HELO/EHLO reply, where RFC 2034 §3 has none.
 *
 * <p><b>Pipelining</b> (RFC 2920): replies are buffered and flushed only when no further input is
 * already waiting, so a pipelined group gets its replies in one write.
 *
 * <p><b>Non-blocking.</b> The session never waits: its event loop ({@link SmtpIntakeServer}) calls it
 * when the socket is readable or writable, and it parses whatever has arrived
 * ({@link SmtpInput#nonBlocking}) and answers it, then returns. A complete message goes to the
 * {@link MessageSink} without waiting for the disk ({@link MessageSink#acceptAsync}: the journal's
 * sync thread answers once it is durable), or, where the sink needs a thread that may wait (DKIM
 * signing, a message too large for the journal), on a commit thread; meanwhile the session reads
 * nothing, and its reply comes back through the loop. The read deadlines are
 * checked by the loop ({@link #deadline}).
 *
 * <p>Thread safety: confined to its loop's thread, apart from the commit, which touches only the
 * message (and through it the spool) while the session waits for it.
 */
final class IntakeSession {

    private static final Logger log = LoggerFactory.getLogger(IntakeSession.class);

    /** Replies held for a client beyond this are written before the session reads on. */
    static final int MAX_UNWRITTEN_REPLIES = 16 * 1024;

    /** Where the session is; it reads and parses only in COMMAND and DATA. */
    enum State {
        /** Reading command lines. */
        COMMAND,
        /** Reading a DATA body after 354. */
        DATA,
        /** The message is with the sink; nothing is read until its reply. */
        COMMITTING,
        /** Writing its last replies, then closing. */
        CLOSING,
        /** Closed; the loop has forgotten it. */
        CLOSED
    }

    /** What the session needs from its event loop. */
    interface Loop {
        /** Runs {@code commit} on a commit thread; it then hands its reply back with {@link #post}. */
        void commit(Runnable commit);

        /** Runs {@code task} on the loop's thread, soon. */
        void post(Runnable task);

        /** Whether the intake is under stress right now (shorter command deadlines). */
        boolean stressed();

        /** The session has ended: every resource released, its slot free again. */
        void ended(IntakeSession session);
    }

    private final SocketChannel channel;
    private final SelectionKey key;
    private final Loop loop;
    private final String sessionId;
    private final String hostname;
    private final ClientAccess access;
    private final SenderPolicy senderPolicy;
    private final SessionLimits limits;
    private final SpoolBuffer spool;
    private final MessageSink sink;
    private final long startNanos = System.nanoTime();
    private final InetSocketAddress client;
    private final String clientText;
    private final SmtpInput in;
    private final ReplyBuffer out = new ReplyBuffer();

    private State state = State.COMMAND;
    private boolean writeBlocked;   // the client has not taken all our replies: read nothing until it has
    private boolean drained;        // the last read did not fill its buffer: read again only once the loop says readable
    private String helo;            // HELO/EHLO argument, null before
    private boolean esmtp;          // EHLO rather than HELO
    private boolean quit;           // QUIT received or session being dropped
    private int errors;             // 4xx/5xx replies so far
    private int junkCommands;       // NOOP, RSET, VRFY, HELP so far (Postfix's junk commands)
    private int messages;           // messages accepted with 250
    private int recipientsAccepted; // over the whole session
    private int rejected;           // refusals (MAIL, RCPT, DATA)

    // The read deadline (Postfix smtpd_per_record_deadline): a whole command line within
    // command_timeout (stress_command_timeout while the intake is under stress), and in DATA every
    // max_line_length octets within data_timeout. The loop ends the session at the deadline.
    private long armedNanos;
    private long timeoutNanos;
    private long deadlineNanos;
    private long stressTimeoutNanos = Long.MAX_VALUE; // MAX_VALUE: none
    private boolean stressSeen;                       // this wait has seen the intake under stress
    private long progressOctets = Long.MAX_VALUE;     // MAX_VALUE: the deadline never moves on
    private long octetsSinceProgress;

    // The current transaction; sender == null means none.
    private String sender;                                      // as written by the client
    private boolean smtputf8;                                   // MAIL ... SMTPUTF8
    private boolean eightBitMime;                               // MAIL ... BODY=8BITMIME
    private final Set<String> recipients = new LinkedHashSet<>(); // accepted, in order

    IntakeSession(SocketChannel channel, SelectionKey key, Loop loop, String sessionId, String hostname, ClientAccess access,
                  SenderPolicy senderPolicy, SessionLimits limits, SpoolBuffer spool, MessageSink sink) {
        this.channel = channel;
        this.key = key;
        this.loop = loop;
        this.sessionId = sessionId;
        this.hostname = hostname;
        this.access = access;
        this.senderPolicy = senderPolicy;
        this.limits = limits;
        this.spool = spool;
        this.sink = sink;
        this.client = (InetSocketAddress) channel.socket().getRemoteSocketAddress();
        this.clientText = HostPort.format(client);
        this.in = SmtpInput.nonBlocking(new CountingReads());
    }

    /** The connection is registered with the loop: check the client, greet it, wait for commands. */
    void open() {
        if (!access.permits(client.getAddress())) {
            // MAIL-1: whatever the listen address, only local clients may send.
            rejected++;
            logReject("CONNECT", "554 5.7.1 client not allowed", null, null);
            reply(SmtpReply.of(554, "5.7.1", "Access denied: this relay accepts mail from the local host only"));
            closeAfterWrite();
            return;
        }
        reply(new SmtpReply(220, null, List.of(hostname + " ESMTP Steward")));
        armCommandDeadline();
        guarded(this::flushAndWait);
    }

    /** The socket has bytes (or an end of stream) to read. */
    void readable() {
        drained = false;
        if (state == State.COMMITTING) {
            // The client sent more (commands pipelined after the end of data) before its reply:
            // keep it in the socket until the commit is answered. Reading stays on otherwise, so
            // the usual commit costs no change of the key's interest (two epoll_ctl calls).
            key.interestOps(0);
            return;
        }
        if (System.nanoTime() - deadline(loop.stressed()) >= 0) {
            timedOut(); // as a blocking read after its deadline would fail at once
            return;
        }
        guarded(this::process);
    }

    /** The socket can take more of the replies that did not fit before. */
    void writable() {
        guarded(() -> {
            if (out.writeTo(channel)) {
                writeBlocked = false;
                if (state == State.CLOSING) {
                    close();
                } else {
                    key.interestOps(SelectionKey.OP_READ);
                    process(); // input that came while the client was not reading its replies
                }
            }
        });
    }

    /**
     * The deadline this session must make progress by, in {@link System#nanoTime} terms, or
     * {@link Long#MAX_VALUE} while it is not waiting for the client. The loop asks each time it
     * wakes, saying whether the intake is under stress: a wait that has seen stress keeps the
     * shorter stress deadline to its end, even once the stress is over (as a Postfix smtpd started
     * under stress keeps its short timeout), so the sessions that are cut first do not give the
     * rest of the idle ones their long timeout back.
     */
    long deadline(boolean stressed) {
        if (state == State.COMMITTING || state == State.CLOSED) {
            return Long.MAX_VALUE;
        }
        if (stressTimeoutNanos != Long.MAX_VALUE && (stressed || stressSeen)) {
            stressSeen = true;
            return Math.min(deadlineNanos, armedNanos + stressTimeoutNanos);
        }
        return deadlineNanos;
    }

    /** The deadline has passed: 421 4.4.2 and close (Postfix: "timeout after DATA"). */
    void timedOut() {
        if (state == State.CLOSING) {
            close(); // the client does not read what it was sent
            return;
        }
        log.info(LogLine.of("intake_timeout").field("session", sessionId).field("client", clientText)
                .field("stage", sender == null ? "command" : "transaction").toString());
        reply(SmtpReply.of(421, "4.4.2", hostname + " Error: timeout exceeded"));
        closeAfterWrite();
    }

    /** The intake stops: close now, whatever the session was doing (its client gets no reply). */
    void abort() {
        close();
    }

    /** Runs one step of the session; a failure ends it as the blocking session's catch blocks did. */
    private void guarded(IoStep step) {
        try {
            step.run();
        } catch (EOFException | java.net.SocketException gone) {
            // The client closed or reset the connection: normal for some clients after QUIT-less sessions.
            close();
        } catch (IOException ioFailure) {
            log.info(LogLine.of("intake_io_error").field("session", sessionId).field("client", clientText)
                    .field("error", ioFailure.toString()).toString());
            close();
        } catch (RuntimeException bug) {
            // Root of the task: log once with the stack, tell the client to try later (STYLE B5.4).
            log.error(LogLine.of("intake_bug").field("session", sessionId).field("client", clientText).toString(), bug);
            if (state == State.COMMAND || state == State.DATA) {
                reply(SmtpReply.of(421, "4.3.0", hostname + " Error: local error, try again later"));
                closeAfterWrite();
            } else {
                close();
            }
        }
    }

    @FunctionalInterface
    private interface IoStep {
        void run() throws IOException;
    }

    /**
     * Reads and answers what the client has sent, until it must wait for more input, for a
     * commit, or for the client to read its replies.
     */
    private void process() throws IOException {
        while (state == State.COMMAND || state == State.DATA) {
            if (writeBlocked) {
                return; // the client has not read our replies yet: read nothing more until it has
            }
            if (out.pending() >= MAX_UNWRITTEN_REPLIES) {
                // A client that pipelines without reading: write before reading on, so what the
                // session holds for it stays bounded (the blocking intake's 4 KiB output buffer did
                // the same by blocking), and stop reading while the socket takes no more.
                flushAndWait();
                continue;
            }
            if (state == State.DATA) {
                DataResult data = in.readData(limits.dataLimits(), spool);
                if (data == null) {
                    break;
                }
                endOfData(data);
                continue;
            }
            String line;
            try {
                line = in.readCommandLine(limits.maxCommandLength());
            } catch (SmtpSyntaxException badLine) {
                error(SmtpReply.of(500, "5.5.2", badLine.problem() == LineProblem.TOO_LONG
                        ? "Error: line too long (limit " + limits.maxCommandLength() + " octets)"
                        : "Error: " + badLine.getMessage()));
                armCommandDeadline();
                continue;
            }
            if (line == null) {
                break;
            }
            handle(CommandParser.parse(line));
            if (!quit && errors >= limits.maxErrors()) {
                reply(SmtpReply.of(421, "4.7.0", hostname + " Error: too many errors"));
                logReject("SESSION", "421 4.7.0 too many errors", null, null);
                quit = true;
            }
            if (quit) {
                closeAfterWrite();
                return;
            }
            if (state == State.COMMAND) {
                armCommandDeadline();
            }
        }
        if (state == State.COMMAND || state == State.DATA) {
            // RFC 2920: everything the client had sent is answered; one write for the whole group.
            flushAndWait();
        }
    }

    /** Writes the buffered replies; if the client does not take them all, waits until it does. */
    private void flushAndWait() throws IOException {
        if (!out.writeTo(channel)) {
            writeBlocked = true;
            key.interestOps(SelectionKey.OP_WRITE);
        }
    }

    private void armCommandDeadline() {
        arm(limits.commandTimeoutMillis(), Long.MAX_VALUE);
        if (limits.stressCommandTimeoutMillis() < limits.commandTimeoutMillis()) {
            stressTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(limits.stressCommandTimeoutMillis());
        }
    }

    private void arm(int timeoutMillis, long progress) {
        timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        progressOctets = progress;
        octetsSinceProgress = 0;
        armedNanos = System.nanoTime();
        deadlineNanos = armedNanos + timeoutNanos;
        stressTimeoutNanos = Long.MAX_VALUE;
        stressSeen = false;
    }

    /**
     * The socket, read without blocking; counts DATA octets so the data deadline moves on. A read
     * that did not fill its buffer emptied the socket: the next one waits for the loop's next
     * readable event instead of asking the kernel again (one system call per command saved; the
     * selector is level-triggered, so input that arrives meanwhile is reported).
     */
    private final class CountingReads implements ReadableByteChannel {
        @Override
        public int read(ByteBuffer into) throws IOException {
            if (drained) {
                return 0;
            }
            int room = into.remaining();
            int count = channel.read(into);
            drained = count >= 0 && count < room;
            if (count > 0 && progressOctets != Long.MAX_VALUE) {
                octetsSinceProgress += count;
                if (octetsSinceProgress >= progressOctets) {
                    octetsSinceProgress = 0;
                    deadlineNanos = System.nanoTime() + timeoutNanos;
                }
            }
            return count;
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** After the last replies: close once the client has been sent them (or could not take them). */
    private void closeAfterWrite() {
        state = State.CLOSING;
        try {
            if (out.writeTo(channel)) {
                close();
            } else {
                arm(limits.commandTimeoutMillis(), Long.MAX_VALUE); // a client that never reads is dropped in time
                key.interestOps(SelectionKey.OP_WRITE);
            }
        } catch (IOException gone) {
            close();
        }
    }

    /**
     * Closes the connection. A session whose message is being committed ends when the commit
     * does (the commit still reads the spool, and the intake's stop waits for it).
     */
    private void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean committing = state == State.COMMITTING;
        state = State.CLOSED;
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // the connection is finished either way
        }
        if (!committing) {
            end();
        }
    }

    /** Releases what the session holds and logs its line; once. */
    private void end() {
        try {
            spool.close();
        } catch (IOException spoolFailure) {
            log.warn(LogLine.of("spool_cleanup_failed").field("session", sessionId).field("error", spoolFailure.toString()).toString());
        }
        log.info(LogLine.of("intake_session").field("session", sessionId).field("client", clientText)
                .field("helo", helo == null ? "" : helo).field("tls", "none").field("msgs", messages)
                .field("rcpts", recipientsAccepted).field("rejected", rejected)
                .field("duration", String.format(java.util.Locale.ROOT, "%.3f",
                        (System.nanoTime() - startNanos) / 1e9)).toString());
        loop.ended(this);
    }

    private void handle(SmtpCommand command) throws IOException {
        switch (command.verb()) {
            case EHLO -> hello(command.argument(), true);
            case HELO -> hello(command.argument(), false);
            case MAIL -> mail(command.argument());
            case RCPT -> rcpt(command.argument());
            case DATA -> data(command.argument());
            case RSET -> {
                countJunk();
                resetTransaction();
                reply(SmtpReply.ok());
            }
            case NOOP -> {
                countJunk();
                reply(SmtpReply.ok());
            }
            case QUIT -> {
                reply(SmtpReply.of(221, "2.0.0", "Bye"));
                quit = true;
            }
            case VRFY -> {
                countJunk();
                if (command.argument().isBlank()) {
                    error(SmtpReply.of(501, "5.5.4", "Syntax: VRFY address"));
                } else {
                    // RFC 5321 §3.5.3: 252 when we will not verify but would accept.
                    reply(SmtpReply.of(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery"));
                }
            }
            case EXPN -> error(SmtpReply.of(502, "5.5.1", "Error: EXPN is not supported"));
            case HELP -> {
                countJunk();
                reply(new SmtpReply(214, "2.0.0", List.of(
                        "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP",
                        "This server only sends mail from this host's application; see RFC 5321")));
            }
            case STARTTLS, AUTH, BDAT -> error(SmtpReply.of(502, "5.5.1",
                    "Error: " + command.verb() + " is not offered on this local listener"));
            default -> error(SmtpReply.of(500, "5.5.2", "Error: command not recognized"));
        }
    }

    /**
     * NOOP, RSET, VRFY and HELP move no mail; past max_junk_commands each counts as an error, so a
     * client that holds its session (and one of max_connections) with them is dropped in time.
     */
    private void countJunk() {
        if (++junkCommands > limits.maxJunkCommands()) {
            errors++;
        }
    }

    private void hello(String argument, boolean extended) throws IOException {
        // Lenient like Postfix: any non-empty argument is taken (it is only logged and put in Received).
        String name = argument.strip();
        if (name.isEmpty()) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname"));
            return;
        }
        // RFC 5321 §4.1.4: EHLO/HELO also resets any transaction in progress.
        resetTransaction();
        helo = name;
        esmtp = extended;
        if (!extended) {
            reply(new SmtpReply(250, null, List.of(hostname)));
            return;
        }
        reply(new SmtpReply(250, null, List.of(hostname, "PIPELINING", "SIZE " + limits.maxMessageSize(),
                "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES")));
    }

    private void mail(String argument) throws IOException {
        if (helo == null) {
            error(SmtpReply.of(503, "5.5.1", "Error: send HELO/EHLO first"));
            return;
        }
        if (sender != null) {
            error(SmtpReply.of(503, "5.5.1", "Error: nested MAIL command"));
            return;
        }
        PathCommand path;
        try {
            path = CommandParser.parsePath(argument, "FROM");
        } catch (CommandSyntaxException bad) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: MAIL FROM:<address> (" + bad.getMessage() + ")"));
            return;
        }
        if (!esmtp && !path.parameters().isEmpty()) {
            error(SmtpReply.of(555, "5.5.4", "MAIL parameters need EHLO"));
            return;
        }
        boolean utf8 = false;
        boolean eightBit = false;
        for (Map.Entry<String, String> parameter : path.parameters().entrySet()) {
            String value = parameter.getValue();
            switch (parameter.getKey()) {
                case "SIZE" -> {
                    long declared;
                    try {
                        declared = value == null ? -1 : Long.parseLong(value);
                    } catch (NumberFormatException notNumber) {
                        declared = -1;
                    }
                    if (declared < 0) {
                        error(SmtpReply.of(501, "5.5.4", "Syntax: SIZE=number"));
                        return;
                    }
                    if (declared > limits.maxMessageSize()) {
                        refuse("MAIL", SmtpReply.of(552, "5.3.4",
                                "Message size exceeds fixed limit of " + limits.maxMessageSize() + " octets"), path.path(), null);
                        return;
                    }
                }
                case "BODY" -> {
                    if ("8BITMIME".equalsIgnoreCase(value)) {
                        eightBit = true;
                    } else if (!"7BIT".equalsIgnoreCase(value)) {
                        error(SmtpReply.of(501, "5.5.4", "Syntax: BODY=7BIT or BODY=8BITMIME"));
                        return;
                    }
                }
                case "SMTPUTF8" -> {
                    if (value != null) {
                        error(SmtpReply.of(501, "5.5.4", "Syntax: SMTPUTF8 takes no value"));
                        return;
                    }
                    utf8 = true;
                }
                default -> {
                    error(SmtpReply.of(555, "5.5.4", "Unsupported MAIL parameter " + parameter.getKey()));
                    return;
                }
            }
        }
        if (path.path().isEmpty()) {
            refuse("MAIL", SmtpReply.of(553, "5.7.1",
                    "The null sender <> is not accepted for submission; send from an address in "
                            + senderPolicy.allowedDomainsText()), "", null);
            return;
        }
        EmailAddress address;
        try {
            address = EmailAddress.parse(path.path());
        } catch (IllegalArgumentException bad) {
            refuse("MAIL", SmtpReply.of(501, "5.1.7", "Bad sender address syntax: " + bad.getMessage()), path.path(), null);
            return;
        }
        if (!address.isAscii() && !utf8) {
            refuse("MAIL", SmtpReply.of(553, "5.6.7", "Non-ASCII sender address needs the SMTPUTF8 parameter"), path.path(), null);
            return;
        }
        if (!senderPolicy.allows(address)) {
            refuse("MAIL", SmtpReply.of(553, "5.7.1", "<" + path.path() + ">: Sender address rejected: this server only sends mail from "
                    + senderPolicy.allowedDomainsText()), path.path(), null);
            return;
        }
        sender = path.path();
        smtputf8 = utf8;
        eightBitMime = eightBit;
        reply(SmtpReply.of(250, "2.1.0", "Ok"));
    }

    private void rcpt(String argument) throws IOException {
        if (sender == null) {
            error(SmtpReply.of(503, "5.5.1", "Error: need MAIL command"));
            return;
        }
        PathCommand path;
        try {
            path = CommandParser.parsePath(argument, "TO");
        } catch (CommandSyntaxException bad) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: RCPT TO:<address> (" + bad.getMessage() + ")"));
            return;
        }
        if (!path.parameters().isEmpty()) {
            error(SmtpReply.of(555, "5.5.4", "Unsupported RCPT parameter " + path.parameters().keySet().iterator().next()));
            return;
        }
        EmailAddress address;
        try {
            address = EmailAddress.parse(path.path());
        } catch (IllegalArgumentException bad) {
            // This includes local names such as <postmaster>: this relay never delivers locally.
            refuse("RCPT", SmtpReply.of(501, "5.1.3", "Bad recipient address syntax: " + bad.getMessage()), sender, path.path());
            return;
        }
        if (!address.isAscii() && !smtputf8) {
            refuse("RCPT", SmtpReply.of(553, "5.6.7", "Non-ASCII recipient address needs the SMTPUTF8 parameter on MAIL"), sender, path.path());
            return;
        }
        if (recipients.size() >= limits.maxRecipients() && !recipients.contains(path.path())) {
            // RFC 5321 §4.5.3.1.10: 452 for too many recipients, the client sends the rest later.
            refuse("RCPT", SmtpReply.of(452, "4.5.3", "Error: too many recipients (limit " + limits.maxRecipients() + ")"), sender, path.path());
            return;
        }
        recipients.add(path.path());
        reply(SmtpReply.of(250, "2.1.5", "Ok"));
    }

    private void data(String argument) throws IOException {
        if (!argument.isBlank()) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: DATA takes no argument"));
            return;
        }
        if (sender == null) {
            error(SmtpReply.of(503, "5.5.1", "Error: need MAIL command"));
            return;
        }
        if (recipients.isEmpty()) {
            error(SmtpReply.of(554, "5.5.1", "Error: no valid recipients"));
            return;
        }
        reply(SmtpReply.of(354, null, "End data with <CR><LF>.<CR><LF>"));
        // Every line's worth of content (max_line_length octets) within data_timeout.
        arm(limits.dataTimeoutMillis(), limits.dataLimits().maxLineLength());
        spool.reset();
        state = State.DATA;
    }

    /**
     * The body has ended: a complete message goes to the sink, without waiting where it can, else
     * on a commit thread (its reply comes back through the loop); a refused one is answered at once.
     */
    private void endOfData(DataResult data) {
        SmtpReply refusal = switch (data) {
            case DataResult.Complete complete when spool.failure() != null -> spoolFailureReply();
            case DataResult.Complete complete -> null;
            case DataResult.Refused refused -> DataRefusals.reply(refused.problem(), limits);
        };
        if (refusal != null) {
            resetSpool();
            dataAnswered(refusal);
            return;
        }
        DataResult.Complete complete = (DataResult.Complete) data;
        ReceivedMessage message = new ReceivedMessage(new SessionFacts(sessionId, client, helo, esmtp),
                sender, List.copyOf(recipients), smtputf8, eightBitMime || complete.eightBit(), spool, Instant.now());
        state = State.COMMITTING;
        // Nothing is read while the message is committed: the client waits for its reply (see
        // readable()). A 354 not yet written (a client that sent its body without waiting for it)
        // goes with that reply.
        try {
            sink.acceptAsync(message, reply -> loop.post(() -> committed(reply)), this::onCommitThread);
        } catch (RuntimeException bug) {
            loop.post(() -> committed(localError(bug)));
        }
    }

    /** Runs the sink's waiting work on a commit thread; a bug there still answers the client. */
    private void onCommitThread(Runnable work) {
        loop.commit(() -> {
            try {
                work.run();
            } catch (RuntimeException bug) {
                SmtpReply reply = localError(bug);
                loop.post(() -> committed(reply));
            }
        });
    }

    private SmtpReply localError(RuntimeException bug) {
        log.error(LogLine.of("intake_bug").field("session", sessionId).field("client", clientText).toString(), bug);
        return SmtpReply.of(451, "4.3.0", "Error: local error, try again later");
    }

    /** On the loop: the sink has answered the message (250 only once it is durable). */
    private void committed(SmtpReply result) {
        resetSpool();
        if (state == State.CLOSED) {
            end(); // the connection was closed while the message was committed
            return;
        }
        dataAnswered(result);
        guarded(() -> {
            if (key.interestOps() == 0) { // reading was paused while the message committed
                key.interestOps(SelectionKey.OP_READ);
            }
            process();
        });
    }

    /** The end of DATA is answered: the transaction ends, the session waits for a command. */
    private void dataAnswered(SmtpReply result) {
        state = State.COMMAND;
        if (result.code() == 250) {
            messages++;
            recipientsAccepted += recipients.size();
            reply(result);
        } else {
            refuse("DATA", result, sender, null);
        }
        resetTransaction();
        armCommandDeadline();
    }

    private void resetSpool() {
        try {
            spool.reset();
        } catch (IOException spoolFailure) {
            log.warn(LogLine.of("spool_cleanup_failed").field("session", sessionId).field("error", spoolFailure.toString()).toString());
        }
    }

    /** The spill file could not be written (the session stayed in sync; the message is refused). */
    private SmtpReply spoolFailureReply() {
        IOException failure = spool.failure();
        log.warn(LogLine.of("spool_write_failed").field("session", sessionId).field("error", failure.toString()).toString());
        return StorageReplies.failure(DiskFull.isDiskFull(failure));
    }

    private void resetTransaction() {
        sender = null;
        smtputf8 = false;
        eightBitMime = false;
        recipients.clear();
    }

    /** A refusal of the client's mail (logged with the reason), counted as an error. */
    private void refuse(String stage, SmtpReply reply, String from, String to) {
        rejected++;
        logReject(stage, reply.code() + " " + reply.enhancedStatus() + " " + String.join(" ", reply.lines()), from, to);
        error(reply);
    }

    private void logReject(String stage, String reply, String from, String to) {
        LogLine line = LogLine.of("intake_reject").field("session", sessionId).field("client", clientText).field("stage", stage);
        if (from != null) {
            line.address("from", from);
        }
        if (to != null) {
            line.address("to", to);
        }
        log.info(line.field("reply", reply).toString());
    }

    private void error(SmtpReply reply) {
        errors++;
        reply(reply);
    }

    private void reply(SmtpReply reply) {
        out.add(reply.toBytes());
    }
}
