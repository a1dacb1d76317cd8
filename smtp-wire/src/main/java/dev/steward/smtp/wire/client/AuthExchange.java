package dev.steward.smtp.wire.client;

import dev.steward.smtp.wire.SmtpReply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The AUTH exchanges (RFC 4954) for PLAIN (RFC 4616) and LOGIN. Credentials go only onto the
 * wire: never into an exception, a reply or a string kept anywhere.
 */
final class AuthExchange {

    private AuthExchange() {
    }

    /**
     * Runs the exchange and returns the server's final reply: 235 on success, otherwise the reply
     * that ended it (535 bad credentials, 504 unknown mechanism, 454 temporary failure...).
     */
    static SmtpReply run(ClientWire wire, Duration limit, AuthMechanism mechanism, String username, String password)
            throws SmtpClientException {
        wire.begin();
        return switch (mechanism) {
            case PLAIN -> plain(wire, limit, username, password);
            case LOGIN -> login(wire, limit, username, password);
        };
    }

    private static SmtpReply plain(ClientWire wire, Duration limit, String username, String password)
            throws SmtpClientException {
        // RFC 4616 §2: [authzid] NUL authcid NUL passwd, UTF-8; sent as the initial response (RFC 4954 §4).
        wire.writeLine("AUTH PLAIN " + base64("\0" + username + "\0" + password));
        wire.flush(Stage.AUTH, limit);
        return finish(wire, limit, wire.read(Stage.AUTH, limit));
    }

    private static SmtpReply login(ClientWire wire, Duration limit, String username, String password)
            throws SmtpClientException {
        wire.writeLine("AUTH LOGIN");
        wire.flush(Stage.AUTH, limit);
        SmtpReply reply = wire.read(Stage.AUTH, limit);
        if (reply.code() != 334) {
            return reply;
        }
        wire.writeLine(base64(username));
        wire.flush(Stage.AUTH, limit);
        reply = wire.read(Stage.AUTH, limit);
        if (reply.code() != 334) {
            return reply;
        }
        wire.writeLine(base64(password));
        wire.flush(Stage.AUTH, limit);
        return finish(wire, limit, wire.read(Stage.AUTH, limit));
    }

    /** A 334 after the last response means the server wants more than the mechanism has: cancel (RFC 4954 §4). */
    private static SmtpReply finish(ClientWire wire, Duration limit, SmtpReply reply) throws SmtpClientException {
        if (reply.code() != 334) {
            return reply;
        }
        wire.writeLine("*");
        wire.flush(Stage.AUTH, limit);
        return wire.read(Stage.AUTH, limit);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
