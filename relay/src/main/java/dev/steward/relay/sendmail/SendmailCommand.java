package dev.steward.relay.sendmail;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigReader;
import dev.steward.mail.model.EmailAddress;
import dev.steward.mail.model.header.AddressListParser;
import dev.steward.mail.model.header.AddressParseException;
import dev.steward.mail.model.header.HeaderField;
import dev.steward.mail.model.header.HeaderSection;
import dev.steward.relay.app.RelayConfig;
import dev.steward.relay.intake.IntakeConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code steward sendmail}: the {@code /usr/sbin/sendmail} interface that PHP's {@code mail()},
 * cron and most applications use. It submits over SMTP to the relay's own intake (the first
 * {@code [intake] listen} address), so exactly the same sender policy and limits apply, and it
 * needs no privilege and no access to the queue directory. The cost: the relay must be running,
 * which on a managed server it always is; when it is not, the exit code is 69 (EX_UNAVAILABLE)
 * and the caller (cron, PHP) sees the failure instead of mail silently piling up.
 *
 * <p>Options: {@code -t} (recipients from To/Cc/Bcc, added to any given as arguments; Bcc is
 * removed), {@code -i}/{@code -oi} (a lone "." line does not end the input), {@code -f addr}
 * (envelope sender; default: the single address of the From header), {@code -F name} (full name
 * for a From header added when the message has none), {@code -C file} (relay config, default
 * {@code /etc/steward/relay.toml}, then {@code 127.0.0.1:25}). Accepted and ignored for
 * compatibility: {@code -odi -odb -oem -oee -om -v -bm -B type -N ... -o*}.
 *
 * <p>Exit codes (sysexits.h): 0 sent to the queue, 64 usage, 65 refused by the relay (5xx),
 * 69 relay unreachable, 75 temporary failure (4xx), 78 bad config.
 */
public final class SendmailCommand {

    static final int EX_USAGE = 64;
    static final int EX_DATAERR = 65;
    static final int EX_UNAVAILABLE = 69;
    static final int EX_TEMPFAIL = 75;

    private SendmailCommand() {
    }

    public static int run(String[] args, InputStream stdin, PrintStream err) {
        SendmailOptions options;
        try {
            options = SendmailOptions.parse(args);
        } catch (IllegalArgumentException usage) {
            err.println("steward sendmail: " + usage.getMessage());
            err.println("usage: steward sendmail [-C relay.toml] [-t] [-i] [-f sender] [-F name] [recipient ...]");
            return EX_USAGE;
        }
        InetSocketAddress relay;
        long maxSize;
        try {
            Path configFile = options.configFile() != null ? Path.of(options.configFile()) : RelayConfig.DEFAULT_PATH;
            if (options.configFile() == null && !Files.exists(configFile)) {
                relay = new InetSocketAddress("127.0.0.1", 25);
                maxSize = Long.MAX_VALUE;
            } else {
                // Only [intake]: the rest (the DKIM key, the smarthost's password file: the relay
                // user's files) is the relay's business, and an application's user cannot read it.
                ConfigReader reader = ConfigReader.open(configFile);
                IntakeConfig intake = IntakeConfig.read(reader);
                if (!reader.problems().isEmpty()) {
                    throw new ConfigException(reader.problems());
                }
                relay = intake.listen().get(0);
                maxSize = intake.maxMessageSize().bytes();
            }
        } catch (ConfigException invalid) {
            invalid.problems().forEach(problem -> err.println("steward sendmail: " + problem.message()));
            return ConfigException.EX_CONFIG;
        }

        byte[] message;
        try {
            message = readMessage(stdin, options.dotEndsInput(), maxSize);
        } catch (IOException unreadable) {
            err.println("steward sendmail: cannot read the message: " + unreadable.getMessage());
            return EX_DATAERR;
        }
        if (message == null) {
            err.println("steward sendmail: message exceeds the relay's size limit of " + maxSize + " octets");
            return EX_DATAERR;
        }

        HeaderSection headers = HeaderSection.parse(message, message.length);
        Set<String> recipients = new LinkedHashSet<>(options.recipients());
        try {
            if (options.extractRecipients()) {
                for (String name : List.of("To", "Cc", "Bcc")) {
                    for (HeaderField field : headers.all(name)) {
                        for (EmailAddress address : AddressListParser.mailboxes(field.value())) {
                            recipients.add(address.toString());
                        }
                    }
                }
                message = MessageEditing.removeHeader(message, headers, "Bcc");
                headers = HeaderSection.parse(message, message.length);
            }
        } catch (AddressParseException | IllegalArgumentException unparsable) {
            err.println("steward sendmail: cannot read recipients from the headers: " + unparsable.getMessage());
            return EX_DATAERR;
        }
        if (recipients.isEmpty()) {
            err.println("steward sendmail: no recipients: give them as arguments or use -t with To/Cc/Bcc headers");
            return EX_USAGE;
        }

        String sender = options.sender();
        if (sender == null) {
            List<EmailAddress> from = new ArrayList<>();
            try {
                for (HeaderField field : headers.all("From")) {
                    from.addAll(AddressListParser.mailboxes(field.value()));
                }
            } catch (AddressParseException | IllegalArgumentException unparsable) {
                err.println("steward sendmail: cannot read the From header: " + unparsable.getMessage());
                return EX_DATAERR;
            }
            if (from.size() != 1) {
                err.println("steward sendmail: no sender: give -f address, or a From header with one address");
                return EX_USAGE;
            }
            sender = from.get(0).toString();
        } else if (!headers.has("From")) {
            message = MessageEditing.prependHeader(message, "From", MessageEditing.fromValue(options.fullName(), sender));
        }

        return switch (SmtpSubmission.submit(relay, sender, List.copyOf(recipients), message)) {
            case SubmitResult.Queued queued -> 0;
            case SubmitResult.Refused refused -> {
                err.println("steward sendmail: " + refused.reply());
                yield refused.reply().startsWith("4") ? EX_TEMPFAIL : EX_DATAERR;
            }
            case SubmitResult.Unreachable unreachable -> {
                err.println("steward sendmail: cannot reach the mail relay at " + unreachable.where() + ": " + unreachable.reason()
                        + " (is the steward relay running?)");
                yield EX_UNAVAILABLE;
            }
        };
    }

    /**
     * Reads stdin as text lines, whatever their line ends, and returns the message with CRLF
     * line ends (dot-stuffing happens on the wire). Returns null when larger than {@code maxSize}.
     */
    static byte[] readMessage(InputStream stdin, boolean dotEndsInput, long maxSize) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream(4096);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int b;
        InputStream in = stdin.markSupported() ? stdin : new java.io.BufferedInputStream(stdin, 8192);
        boolean pending = false;
        while ((b = in.read()) != -1) {
            pending = true;
            if (b != '\n') {
                line.write(b);
                continue;
            }
            byte[] bytes = line.toByteArray();
            int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            if (dotEndsInput && length == 1 && bytes[0] == '.') {
                pending = false;
                break;
            }
            message.write(bytes, 0, length);
            message.write('\r');
            message.write('\n');
            line.reset();
            pending = false;
            if (message.size() > maxSize) {
                return null;
            }
        }
        if (pending && line.size() > 0) {
            // The last line had no newline: end it, as sendmail does.
            message.write(line.toByteArray());
            message.write('\r');
            message.write('\n');
        }
        return message.size() > maxSize ? null : message.toByteArray();
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
