package dev.steward.relay.sendmail;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The small SMTP client sendmail uses to hand one message to the local intake: EHLO, MAIL,
 * RCPT..., DATA with dot-stuffing, QUIT. All-or-nothing: when any recipient is refused the
 * transaction is abandoned (RSET) and the refusal reported, so a sendmail caller never sees
 * success for a message that went to only some recipients.
 */
final class SmtpSubmission {

    private static final int TIMEOUT_MILLIS = 300_000; // RFC 5321 §4.5.3.2: the longest client timeout

    private SmtpSubmission() {
    }

    static SubmitResult submit(InetSocketAddress relay, String sender, List<String> recipients, byte[] message) {
        String where = relay.getAddress().getHostAddress() + ":" + relay.getPort();
        try (Socket socket = new Socket()) {
            try {
                socket.connect(relay, 30_000);
            } catch (IOException refused) {
                return new SubmitResult.Unreachable(where, refused.getMessage());
            }
            socket.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            String reply = readReply(in);
            if (!reply.startsWith("220")) {
                return new SubmitResult.Refused(reply);
            }
            boolean utf8 = !isAscii(sender) || recipients.stream().anyMatch(r -> !isAscii(r));
            boolean eightBit = !isAscii(message);
            reply = command(out, in, "EHLO localhost");
            if (!reply.startsWith("250")) {
                return new SubmitResult.Refused(reply);
            }
            reply = command(out, in, "MAIL FROM:<" + sender + ">" + (eightBit ? " BODY=8BITMIME" : "") + (utf8 ? " SMTPUTF8" : ""));
            if (!reply.startsWith("250")) {
                command(out, in, "QUIT");
                return new SubmitResult.Refused(reply);
            }
            for (String recipient : recipients) {
                reply = command(out, in, "RCPT TO:<" + recipient + ">");
                if (!reply.startsWith("250")) {
                    command(out, in, "RSET");
                    command(out, in, "QUIT");
                    return new SubmitResult.Refused(reply);
                }
            }
            reply = command(out, in, "DATA");
            if (!reply.startsWith("354")) {
                command(out, in, "QUIT");
                return new SubmitResult.Refused(reply);
            }
            writeDotStuffed(out, message);
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            reply = readReply(in);
            try {
                command(out, in, "QUIT");
            } catch (IOException ignored) {
                // the message is queued; a lost QUIT reply changes nothing
            }
            return reply.startsWith("250") ? new SubmitResult.Queued(reply) : new SubmitResult.Refused(reply);
        } catch (IOException broken) {
            return new SubmitResult.Unreachable(where, broken.toString());
        }
    }

    private static String command(OutputStream out, InputStream in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readReply(in);
    }

    /** The last line of a (possibly multi-line) reply. */
    private static String readReply(InputStream in) throws IOException {
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            if (b == -1 && line.size() == 0) {
                throw new IOException("connection closed by the relay");
            }
            String text = line.toString(StandardCharsets.UTF_8);
            if (text.length() < 4 || text.charAt(3) != '-') {
                return text;
            }
        }
    }

    /** Writes CRLF lines, doubling a leading dot (RFC 5321 §4.5.2). */
    static void writeDotStuffed(OutputStream out, byte[] message) throws IOException {
        boolean lineStart = true;
        int runStart = 0;
        for (int i = 0; i < message.length; i++) {
            if (lineStart && message[i] == '.') {
                out.write(message, runStart, i - runStart);
                out.write('.');
                runStart = i;
            }
            lineStart = message[i] == '\n';
        }
        out.write(message, runStart, message.length - runStart);
        if (message.length > 0 && message[message.length - 1] != '\n') {
            out.write('\r');
            out.write('\n');
        }
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
