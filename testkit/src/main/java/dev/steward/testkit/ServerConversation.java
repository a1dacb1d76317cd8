package dev.steward.testkit;

import dev.steward.smtp.wire.BareLf;
import dev.steward.smtp.wire.CommandParser;
import dev.steward.smtp.wire.CommandSyntaxException;
import dev.steward.smtp.wire.DataLimits;
import dev.steward.smtp.wire.DataResult;
import dev.steward.smtp.wire.PathCommand;
import dev.steward.smtp.wire.SmtpCommand;
import dev.steward.smtp.wire.SmtpInput;
import dev.steward.smtp.wire.SmtpReply;
import dev.steward.smtp.wire.SmtpSyntaxException;
import dev.steward.smtp.wire.client.Stage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One connection of a {@link RecordingSmtpServer}: the server side of RFC 5321 with the scripted
 * deviations of its {@link RecordingSmtpServer.Settings}. Not a production server: permissive, no
 * limits beyond the command line and DATA limits of {@code SmtpInput}.
 *
 * <p>Thread safety: single-threaded; one per connection.
 */
final class ServerConversation {

    /** RFC 4954 §4: AUTH lines may be up to 12288 octets. */
    private static final int COMMAND_LINE_LIMIT = 12_288;
    private static final int CONTENT_LINE_LIMIT = 100_000;

    private final RecordingSmtpServer.Settings settings;
    private final RecordedConnection record;
    private final RecordingSmtpServer server;
    private Socket socket;                        // plaintext, then TLS
    private SmtpInput in;                         // reads the current socket
    private OutputStream out;                     // buffered; flushed when no input is buffered
    private String tlsProtocol;                   // null while plaintext
    private String authenticatedUser;             // null until AUTH succeeded
    private boolean greeted;                      // EHLO or HELO seen since the start or STARTTLS
    private int messageIndex = -1;                // server-wide number of the current transaction
    private String sender;                        // MAIL FROM path; null outside a transaction
    private Map<String, String> mailParameters;   // MAIL FROM parameters of the current transaction
    private List<String> recipients;              // accepted recipients of the current transaction
    private boolean afterContent;                 // DATA content was just read: the next command starts a batch

    /** Ends the conversation: a scripted hang-up or stall, or a failed TLS handshake. */
    private static final class HangUp extends Exception {
        private static final long serialVersionUID = 1L;

        HangUp(String reason) {
            super(reason, null, false, false);
        }
    }

    ServerConversation(RecordingSmtpServer.Settings settings, Socket socket, RecordedConnection record,
                       RecordingSmtpServer server) throws IOException {
        this.settings = settings;
        this.socket = socket;
        this.record = record;
        this.server = server;
        openStreams();
    }

    void run() throws IOException {
        try {
            if (settings.implicitTls() != null) {
                startTls(settings.implicitTls());
            }
            SmtpReply greeting = settings.greeting() != null ? settings.greeting()
                    : SmtpReply.of(220, null, settings.hostname() + " ESMTP Steward recording server");
            if (respond(Stage.GREETING, "", greeting).code() != 220) {
                out.flush();
                return;
            }
            while (commandLoop()) {
                // next command
            }
        } catch (HangUp hangUp) {
            record.note(hangUp.getMessage());
        }
    }

    /** Reads and answers one command; false when the conversation is over. */
    private boolean commandLoop() throws IOException, HangUp {
        boolean newBatch = !in.hasBufferedInput() || afterContent;
        afterContent = false;
        String line;
        try {
            line = in.readCommandLine(COMMAND_LINE_LIMIT);
        } catch (SmtpSyntaxException e) {
            record.note("bad command line: " + e.getMessage());
            send(reply(500, "5.5.2", "Bad command line"));
            return true;
        } catch (EOFException e) {
            record.note("client closed the connection");
            return false;
        }
        record.client(line, newBatch);
        SmtpCommand command = CommandParser.parse(line);
        String argument = command.argument();
        switch (command.verb()) {
            case EHLO -> ehlo(argument);
            case HELO -> {
                greeted = true;
                endTransaction();
                respond(Stage.EHLO, argument, SmtpReply.of(250, null, settings.hostname()));
            }
            case STARTTLS -> starttls();
            case AUTH -> auth(argument);
            case MAIL -> mail(argument);
            case RCPT -> rcpt(argument);
            case DATA -> data();
            case RSET -> {
                endTransaction();
                respond(Stage.RSET, "", reply(250, "2.0.0", "Ok"));
            }
            case NOOP -> send(reply(250, "2.0.0", "Ok"));
            case QUIT -> {
                respond(Stage.QUIT, "", reply(221, "2.0.0", "Bye"));
                out.flush();
                return false;
            }
            // RFC 5321 §4.2.4: a command this test peer does not know (VRFY, EXPN, HELP, ...)
            // gets 502, as from a real server that lacks it.
            default -> send(reply(502, "5.5.2", "Error: command not recognized"));
        }
        return true;
    }

    private void ehlo(String argument) throws IOException, HangUp {
        if (settings.refuseEhlo()) {
            // Builder.refuseEhlo(): an old server without ESMTP, so the client must fall back to HELO.
            respond(Stage.EHLO, argument, reply(502, "5.5.1", "Error: EHLO not supported, use HELO"));
            return;
        }
        greeted = true;
        endTransaction();
        List<String> lines = new ArrayList<>();
        lines.add(settings.hostname() + " Hello " + argument);
        if (settings.pipelining()) {
            lines.add("PIPELINING");
        }
        if (settings.size() >= 0) {
            lines.add("SIZE " + settings.size());
        }
        if (settings.eightBitMime()) {
            lines.add("8BITMIME");
        }
        if (settings.smtpUtf8()) {
            lines.add("SMTPUTF8");
        }
        if (settings.enhancedStatusCodes()) {
            lines.add("ENHANCEDSTATUSCODES");
        }
        if ((settings.startTls() != null || settings.brokenTls() != null) && tlsProtocol == null) {
            lines.add("STARTTLS");
        }
        if (settings.authUser() != null) {
            lines.add("AUTH PLAIN LOGIN");
        }
        lines.addAll(settings.extraKeywords());
        respond(Stage.EHLO, argument, new SmtpReply(250, null, lines));
    }

    private void starttls() throws IOException, HangUp {
        if (tlsProtocol != null) {
            send(reply(503, "5.5.1", "TLS already active"));
            return;
        }
        if (settings.brokenTls() != null) {
            send(reply(220, "2.0.0", "Ready to start TLS"));
            out.flush();
            switch (settings.brokenTls()) {
                case GARBAGE -> {
                    // Answer the ClientHello, not the 220: garbage sent with the 220 would be plaintext
                    // injection, which a careful client refuses before it even starts the handshake.
                    if (socket.getInputStream().read(new byte[512]) > 0) {
                        out.write("this is not a TLS record\r\n".repeat(4).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
                case CLOSE -> {
                    // Hang up below.
                }
                case SILENT -> drainUntilClosed();
            }
            throw new HangUp("broken STARTTLS: " + settings.brokenTls());
        }
        if (settings.startTls() == null) {
            send(reply(502, "5.5.1", "STARTTLS not available"));
            return;
        }
        SmtpReply reply = respond(Stage.STARTTLS, "", reply(220, "2.0.0", "Ready to start TLS"));
        out.flush();
        if (reply.code() != 220) {
            return;
        }
        if (in.hasBufferedInput()) {
            throw new HangUp("plaintext pipelined after STARTTLS (CVE-2011-0411): hanging up");
        }
        startTls(settings.startTls());
        // RFC 3207 §4.2: forget everything learnt before TLS.
        greeted = false;
        authenticatedUser = null;
        endTransaction();
    }

    private void startTls(SSLContext context) throws IOException, HangUp {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(false);
        try {
            tls.startHandshake();
        } catch (IOException e) {
            throw new HangUp("TLS handshake failed: " + e.getMessage());
        }
        tlsProtocol = tls.getSession().getProtocol();
        record.tls(tlsProtocol + " " + tls.getSession().getCipherSuite());
        socket = tls;
        openStreams();
    }

    private void auth(String argument) throws IOException, HangUp {
        if (settings.authUser() == null) {
            send(reply(502, "5.5.1", "AUTH not available"));
            return;
        }
        if (authenticatedUser != null) {
            send(reply(503, "5.5.1", "Already authenticated"));
            return;
        }
        String[] parts = argument.split(" ", 2);
        String mechanism = parts[0].toUpperCase(Locale.ROOT);
        String user;
        String password;
        try {
            switch (mechanism) {
                case "PLAIN" -> {
                    String response = parts.length > 1 ? parts[1] : challenge("");
                    String[] fields = decode(response).split("\0", -1);
                    if (fields.length != 3) {
                        send(reply(501, "5.5.2", "Malformed PLAIN response"));
                        return;
                    }
                    user = fields[1];
                    password = fields[2];
                }
                case "LOGIN" -> {
                    user = decode(parts.length > 1 ? parts[1] : challenge("VXNlcm5hbWU6"));
                    password = decode(challenge("UGFzc3dvcmQ6"));
                }
                default -> {
                    send(reply(504, "5.5.4", "Unrecognized authentication type"));
                    return;
                }
            }
        } catch (IllegalArgumentException cancelledOrBadBase64) {
            send(reply(501, "5.5.2", "Authentication cancelled or malformed"));
            return;
        }
        boolean valid = user.equals(settings.authUser()) && password.equals(settings.authPassword());
        SmtpReply reply = respond(Stage.AUTH, mechanism, valid ? reply(235, "2.7.0", "Authentication successful")
                : reply(535, "5.7.8", "Authentication credentials invalid"));
        if (reply.code() == 235) {
            authenticatedUser = user;
        }
    }

    private String challenge(String text) throws IOException {
        send(SmtpReply.of(334, null, text));
        out.flush();
        String line = in.readCommandLine(COMMAND_LINE_LIMIT);
        record.client(line, true);
        if ("*".equals(line)) {
            throw new IllegalArgumentException("cancelled");
        }
        return line;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
    }

    private void mail(String argument) throws IOException, HangUp {
        PathCommand path;
        try {
            path = CommandParser.parsePath(argument, "FROM");
        } catch (CommandSyntaxException e) {
            send(reply(501, "5.5.4", e.getMessage()));
            return;
        }
        if (!greeted) {
            send(reply(503, "5.5.1", "Send EHLO or HELO first"));
            return;
        }
        if (sender != null) {
            send(reply(503, "5.5.1", "Nested MAIL command"));
            return;
        }
        messageIndex = server.nextMessageIndex();
        Map<String, String> parameters = path.parameters();
        SmtpReply normal = reply(250, "2.1.0", "Ok");
        if (parameters.containsKey("SIZE") && settings.size() > 0 && parseSize(parameters.get("SIZE")) > settings.size()) {
            normal = reply(552, "5.3.4", "Message size exceeds fixed limit");
        } else if ("8BITMIME".equals(parameters.get("BODY")) && !settings.eightBitMime()) {
            normal = reply(555, "5.5.4", "BODY=8BITMIME not supported");
        } else if (parameters.containsKey("SMTPUTF8") && !settings.smtpUtf8()) {
            normal = reply(555, "5.5.4", "SMTPUTF8 not supported");
        }
        SmtpReply reply = respond(Stage.MAIL, path.path(), normal);
        if (reply.isPositiveCompletion()) {
            sender = path.path();
            mailParameters = parameters;
            recipients = new ArrayList<>();
        }
    }

    private static long parseSize(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private void rcpt(String argument) throws IOException, HangUp {
        if (sender == null) {
            send(reply(503, "5.5.1", "Need MAIL command"));
            return;
        }
        PathCommand path;
        try {
            path = CommandParser.parsePath(argument, "TO");
        } catch (CommandSyntaxException e) {
            send(reply(501, "5.5.4", e.getMessage()));
            return;
        }
        SmtpReply scripted = settings.recipientReplies().get(path.path().toLowerCase(Locale.ROOT));
        SmtpReply reply = scripted != null ? sendScripted(Stage.RCPT, scripted)
                : respond(Stage.RCPT, path.path(), reply(250, "2.1.5", "Ok"));
        if (reply.isPositiveCompletion()) {
            recipients.add(path.path());
        }
    }

    private void data() throws IOException, HangUp {
        SmtpReply normal = sender == null ? reply(503, "5.5.1", "Need MAIL command")
                : recipients.isEmpty() ? reply(554, "5.5.1", "No valid recipients")
                : SmtpReply.of(354, null, "End data with <CR><LF>.<CR><LF>");
        SmtpReply reply = respond(Stage.DATA, "", normal);
        if (reply.code() != 354) {
            return;
        }
        out.flush();
        act(Stage.CONTENT);
        if (settings.disconnects().contains(Stage.CONTENT)) {
            try {
                in.readData(limits(), new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("scripted disconnect");
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) throws IOException {
                        throw new IOException("scripted disconnect");
                    }
                });
            } catch (IOException expected) {
                // The content has started to arrive: now hang up in the middle of it.
            }
            throw new HangUp("scripted disconnect during the content");
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        DataResult result = in.readData(limits(), content);
        afterContent = true;
        record.note("content " + content.size() + " octets");
        if (result instanceof DataResult.Refused refused) {
            send(reply(550, "5.6.0", "Message refused: " + refused.problem()));
            endTransaction();
            return;
        }
        SmtpReply end = respond(Stage.DOT, "", recipients == null || recipients.isEmpty()
                ? reply(554, "5.5.1", "No valid recipients")
                : reply(250, "2.0.0", "Ok: queued as " + messageIndex));
        if (end.isPositiveCompletion() && recipients != null && !recipients.isEmpty()) {
            server.accepted(new ReceivedMessage(record.index(), sender, mailParameters, recipients, content.toByteArray(),
                    tlsProtocol, authenticatedUser));
        }
        endTransaction();
    }

    private DataLimits limits() {
        return new DataLimits(settings.maxMessageSize(), CONTENT_LINE_LIMIT, BareLf.REJECT);
    }

    private void endTransaction() {
        sender = null;
        mailParameters = null;
        recipients = null;
    }

    /** Applies stalls and disconnects for {@code stage}, then the scripts, then sends {@code normal} or the scripted reply. */
    private SmtpReply respond(Stage stage, String argument, SmtpReply normal) throws IOException, HangUp {
        act(stage);
        SmtpReply reply = settings.script().replyTo(stage, argument, messageIndex);
        if (reply == null) {
            reply = settings.replies().getOrDefault(stage, normal);
        }
        send(reply);
        return reply;
    }

    private SmtpReply sendScripted(Stage stage, SmtpReply reply) throws IOException, HangUp {
        act(stage);
        send(reply);
        return reply;
    }

    /** A scripted stall or disconnect at {@code stage}. */
    private void act(Stage stage) throws IOException, HangUp {
        if (settings.disconnects().contains(stage) && stage != Stage.CONTENT) {
            out.flush();
            throw new HangUp("scripted disconnect at " + stage);
        }
        if (settings.stalls().contains(stage)) {
            out.flush();
            record.note("stalling at " + stage);
            if (stage == Stage.CONTENT) {
                // Stop reading, so the client's writes block once the socket buffers are full.
                try {
                    server.awaitClosing();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                drainUntilClosed();
            }
            throw new HangUp("stall at " + stage + " ended");
        }
    }

    /**
     * Never answers, but reads and drops whatever comes until the client or the server closes, so
     * a client that gives up is seen to go (the connection-leak check stays honest).
     */
    private void drainUntilClosed() {
        byte[] sink = new byte[8192];
        try {
            while (socket.getInputStream().read(sink) >= 0) {
                // Dropped: a stalled server answers nothing.
            }
        } catch (IOException closed) {
            // The client reset the connection or the server closed it: the stall is over.
        }
    }

    private SmtpReply reply(int code, String enhanced, String text) {
        return SmtpReply.of(code, settings.enhancedStatusCodes() ? enhanced : null, text);
    }

    /** Writes a reply; flushes only when the client has nothing more buffered (RFC 2920 §3.2). */
    private void send(SmtpReply reply) throws IOException {
        byte[] bytes = reply.toBytes();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r\n")) {
            record.server(line);
        }
        out.write(bytes);
        if (!in.hasBufferedInput()) {
            out.flush();
        }
    }

    private void openStreams() throws IOException {
        in = new SmtpInput(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream(), 8192);
    }
}
