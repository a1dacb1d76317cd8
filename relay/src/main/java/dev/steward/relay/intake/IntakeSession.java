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
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

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
 * <p>Thread safety: single-threaded; one instance per connection on its own virtual thread.
 */
final class IntakeSession {

    private static final Logger log = LoggerFactory.getLogger(IntakeSession.class);

    private final Socket socket;
    private final String sessionId;
    private final String hostname;
    private final ClientAccess access;
    private final SenderPolicy senderPolicy;
    private final SessionLimits limits;
    private final SpoolBuffer spool;
    private final MessageSink sink;
    private final BooleanSupplier stressed;
    private final long startNanos = System.nanoTime();
    private final String clientText;

    private DeadlineInputStream input; // the socket's input with the command and DATA deadlines
    private SmtpInput in;           // set once the connection is accepted
    private OutputStream out;       // buffered; flushed per RFC 2920
    private String helo;            // HELO/EHLO argument, null before
    private boolean esmtp;          // EHLO rather than HELO
    private boolean quit;           // QUIT received or session being dropped
    private int errors;             // 4xx/5xx replies so far
    private int junkCommands;       // NOOP, RSET, VRFY, HELP so far (Postfix's junk commands)
    private int messages;           // messages accepted with 250
    private int recipientsAccepted; // over the whole session
    private int rejected;           // refusals (MAIL, RCPT, DATA)

    // The current transaction; sender == null means none.
    private String sender;                                      // as written by the client
    private boolean smtputf8;                                   // MAIL ... SMTPUTF8
    private boolean eightBitMime;                               // MAIL ... BODY=8BITMIME
    private final Set<String> recipients = new LinkedHashSet<>(); // accepted, in order

    IntakeSession(Socket socket, String sessionId, String hostname, ClientAccess access, SenderPolicy senderPolicy,
                  SessionLimits limits, SpoolBuffer spool, MessageSink sink, BooleanSupplier stressed) {
        this.socket = socket;
        this.sessionId = sessionId;
        this.hostname = hostname;
        this.access = access;
        this.senderPolicy = senderPolicy;
        this.limits = limits;
        this.spool = spool;
        this.sink = sink;
        this.stressed = stressed;
        this.clientText = HostPort.format((InetSocketAddress) socket.getRemoteSocketAddress());
    }

    void run() {
        MDC.put("session", sessionId);
        // Not try-with-resources: the catch blocks below still write 421 replies on the socket.
        try {
            out = new BufferedOutputStream(socket.getOutputStream(), 4096);
            if (!access.permits(socket.getInetAddress())) {
                // MAIL-1: whatever the listen address, only local clients may send.
                rejected++;
                logReject("CONNECT", "554 5.7.1 client not allowed", null, null);
                reply(SmtpReply.of(554, "5.7.1", "Access denied: this relay accepts mail from the local host only"));
                out.flush();
                return;
            }
            input = new DeadlineInputStream(socket, stressed);
            in = new SmtpInput(input);
            reply(new SmtpReply(220, null, List.of(hostname + " ESMTP Steward")));
            out.flush();
            while (!quit) {
                String line;
                try {
                    // The whole command line within command_timeout, however slowly its bytes come;
                    // within stress_command_timeout while the intake is under stress.
                    input.arm(limits.commandTimeoutMillis(), Long.MAX_VALUE, limits.stressCommandTimeoutMillis());
                    line = in.readCommandLine(limits.maxCommandLength());
                } catch (SmtpSyntaxException badLine) {
                    error(SmtpReply.of(500, "5.5.2", badLine.problem() == LineProblem.TOO_LONG
                            ? "Error: line too long (limit " + limits.maxCommandLength() + " octets)"
                            : "Error: " + badLine.getMessage()));
                    flushIfIdle();
                    continue;
                }
                handle(CommandParser.parse(line));
                if (!quit && errors >= limits.maxErrors()) {
                    reply(SmtpReply.of(421, "4.7.0", hostname + " Error: too many errors"));
                    logReject("SESSION", "421 4.7.0 too many errors", null, null);
                    quit = true;
                }
                if (quit) {
                    out.flush();
                } else {
                    flushIfIdle();
                }
            }
        } catch (SocketTimeoutException timeout) {
            log.info(LogLine.of("intake_timeout").field("session", sessionId).field("client", clientText)
                    .field("stage", sender == null ? "command" : "transaction").toString());
            try {
                reply(SmtpReply.of(421, "4.4.2", hostname + " Error: timeout exceeded"));
                out.flush();
            } catch (IOException ignored) {
                // the client is gone; we were closing anyway
            }
        } catch (EOFException | java.net.SocketException gone) {
            // The client closed or reset the connection: normal for some clients after QUIT-less sessions.
        } catch (IOException ioFailure) {
            log.info(LogLine.of("intake_io_error").field("session", sessionId).field("client", clientText)
                    .field("error", ioFailure.toString()).toString());
        } catch (RuntimeException bug) {
            // Root of the task: log once with the stack, tell the client to try later (STYLE B5.4).
            log.error(LogLine.of("intake_bug").field("session", sessionId).field("client", clientText).toString(), bug);
            try {
                reply(SmtpReply.of(421, "4.3.0", hostname + " Error: local error, try again later"));
                out.flush();
            } catch (IOException ignored) {
                // nothing more to tell
            }
        } finally {
            closeQuietly();
            log.info(LogLine.of("intake_session").field("session", sessionId).field("client", clientText)
                    .field("helo", helo == null ? "" : helo).field("tls", "none").field("msgs", messages)
                    .field("rcpts", recipientsAccepted).field("rejected", rejected)
                    .field("duration", String.format(java.util.Locale.ROOT, "%.3f",
                            (System.nanoTime() - startNanos) / 1e9)).toString());
            MDC.remove("session");
        }
    }

    private void closeQuietly() {
        try {
            spool.close();
        } catch (IOException spoolFailure) {
            log.warn(LogLine.of("spool_cleanup_failed").field("session", sessionId).field("error", spoolFailure.toString()).toString());
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // the connection is finished either way
        }
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
        out.flush();
        // Every line's worth of content (max_line_length octets) within data_timeout.
        input.arm(limits.dataTimeoutMillis(), limits.dataLimits().maxLineLength());
        SmtpReply result;
        try {
            spool.reset();
            DataResult data = in.readData(limits.dataLimits(), spool);
            result = switch (data) {
                case DataResult.Complete complete when spool.failure() != null -> spoolFailureReply();
                case DataResult.Complete complete -> sink.accept(new ReceivedMessage(
                        new SessionFacts(sessionId, (InetSocketAddress) socket.getRemoteSocketAddress(), helo, esmtp),
                        sender, List.copyOf(recipients), smtputf8, eightBitMime || complete.eightBit(), spool, Instant.now()));
                case DataResult.Refused refused -> DataRefusals.reply(refused.problem(), limits);
            };
        } finally {
            spool.reset();
        }
        if (result.code() == 250) {
            messages++;
            recipientsAccepted += recipients.size();
            reply(result);
        } else {
            refuse("DATA", result, sender, null);
        }
        resetTransaction();
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
    private void refuse(String stage, SmtpReply reply, String from, String to) throws IOException {
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

    private void error(SmtpReply reply) throws IOException {
        errors++;
        reply(reply);
    }

    private void reply(SmtpReply reply) throws IOException {
        out.write(reply.toBytes());
    }

    private void flushIfIdle() throws IOException {
        if (!in.hasBufferedInput()) {
            out.flush();
        }
    }
}
