package dev.steward.control.web.notify;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A minimal SMTP submission client (RFC 5321): one connection per message, {@code EHLO},
 * {@code MAIL FROM}, one {@code RCPT TO} per recipient, {@code DATA} with dot-stuffing,
 * {@code QUIT}. No TLS and no AUTH: it submits to a relay on loopback or a trusted network (the
 * Steward relay on the same host accepts exactly that). Every wait is bounded by the timeouts.
 *
 * <p>A message is accepted when the relay answered 250 to the final dot; any other reply, or an
 * I/O error or timeout on the way, is a {@link SubmissionException} naming the step and the reply.
 * Recipients refused at {@code RCPT} fail the whole submission (notices must reach every contact
 * or be reported).
 *
 * <p>Thread safety: immutable; each {@link #submit} uses its own connection.
 *
 * @param host the relay's address
 * @param port the relay's port
 * @param helo the name sent in EHLO
 * @param connectTimeout bound on connecting
 * @param replyTimeout bound on each reply
 */
public record SmtpSubmission(String host, int port, String helo, Duration connectTimeout, Duration replyTimeout) {

    /** A refused or failed submission. */
    public static final class SubmissionException extends IOException {
        private static final long serialVersionUID = 1L;

        /** @param message the step and the server's reply or the I/O failure */
        public SubmissionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public SmtpSubmission {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(helo, "helo");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
    }

    /** With 5 s to connect and 30 s per reply. */
    public static SmtpSubmission to(String host, int port, String helo) {
        return new SmtpSubmission(host, port, helo, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /**
     * Submits one message.
     *
     * @param sender the envelope sender
     * @param recipients at least one envelope recipient
     * @param message the message (header and body); lines are normalised to CRLF and dot-stuffed here
     * @return the relay's reply to the final dot, e.g. {@code 250 2.0.0 queued as ...}
     * @throws SubmissionException if the relay refused a step or the connection failed
     */
    public String submit(String sender, List<String> recipients, String message) throws SubmissionException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        String step = "connect";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) replyTimeout.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            step = "greeting";
            expect(step, readReply(in), 220);
            step = "EHLO";
            command(out, "EHLO " + helo);
            expect(step, readReply(in), 250);
            step = "MAIL FROM";
            command(out, "MAIL FROM:<" + checkAddress(sender) + ">");
            expect(step, readReply(in), 250);
            for (String recipient : recipients) {
                step = "RCPT TO <" + recipient + ">";
                command(out, "RCPT TO:<" + checkAddress(recipient) + ">");
                expect(step, readReply(in), 250, 251);
            }
            step = "DATA";
            command(out, "DATA");
            expect(step, readReply(in), 354);
            step = "message content";
            out.write(dotStuffed(message));
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String accepted = readReply(in);
            expect(step, accepted, 250);
            step = "QUIT";
            try {
                command(out, "QUIT");
                readReply(in);
            } catch (IOException ignored) {
                // The message is accepted; a relay that drops the connection at QUIT changes nothing.
            }
            return accepted;
        } catch (SubmissionException refused) {
            throw refused;
        } catch (IOException failure) {
            throw new SubmissionException("SMTP submission to " + host + ":" + port + " failed at " + step + ": "
                    + failure, failure);
        }
    }

    private static String checkAddress(String address) {
        if (address.isEmpty() || address.length() > 254 || address.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>' || c > 126)) {
            throw new IllegalArgumentException("not a plain ASCII address: " + address);
        }
        return address;
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void expect(String step, String reply, int... codes) throws SubmissionException {
        int code = reply.length() >= 3 ? parseCode(reply) : -1;
        for (int accepted : codes) {
            if (code == accepted) {
                return;
            }
        }
        throw new SubmissionException("SMTP submission to " + host + ":" + port + " refused at " + step + ": "
                + reply.replace("\r\n", " | "), null);
    }

    private static int parseCode(String reply) {
        try {
            return Integer.parseInt(reply.substring(0, 3));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Reads one (possibly multiline) reply; lines joined with CRLF. */
    static String readReply(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine(in);
            lines.add(line);
            if (lines.size() > 100) {
                throw new IOException("reply longer than 100 lines");
            }
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\r\n", lines);
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() >= 2048) {
                throw new IOException("reply line longer than 2048 bytes");
            }
            line.write(b);
        }
    }

    /** The message with CRLF line ends, a final CRLF, and every line starting with '.' doubled. */
    static byte[] dotStuffed(String message) {
        StringBuilder out = new StringBuilder(message.length() + 64);
        String normalized = message.replace("\r\n", "\n").replace('\r', '\n');
        if (normalized.endsWith("\n")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        for (String line : normalized.split("\n", -1)) {
            if (line.startsWith(".")) {
                out.append('.');
            }
            out.append(line).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
