package dev.steward.relay.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.RecipientState;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a queue listing like Postfix {@code mailq} ({@code postqueue -p}) and as JSON (like
 * {@code postqueue -j}, but one array):
 *
 * <pre>
 * -Queue ID-        --Size-- ----Arrival Time---- -Sender/Recipient-------
 * 0C8Q2M4K9ABC*         1234 Sat Nov 28 11:00:00  app@app.example.test
 *                                                  bob@example.org
 *       (last failure reason)
 *
 * -- 2 Kbytes in 1 Request.
 * </pre>
 *
 * The id is followed by {@code *} when active and {@code !} when on hold. Recipients already
 * {@code sent} are not shown (as Postfix, which lists only undelivered ones). A recipient's own
 * failure reason is shown under it when it differs from the message's. The null sender shows as
 * {@code MAILER-DAEMON}. Kbytes are rounded up. An empty queue renders
 * {@code Mail queue is empty}.
 *
 * <p>Thread safety: immutable, thread-safe.
 */
public final class MailqFormatter {

    private static final String HEADER =
            "-Queue ID-        --Size-- ----Arrival Time---- -Sender/Recipient-------";
    private static final String RECIPIENT_INDENT = " ".repeat(49);
    private static final String REASON_INDENT = " ".repeat(6);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DateTimeFormatter arrivalFormat;

    /** @param zone the zone arrival times are shown in; {@link ZoneId#systemDefault()} in production */
    public MailqFormatter(ZoneId zone) {
        // asctime(3) layout, as Postfix: day of month space-padded ("Nov  1").
        this.arrivalFormat = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss", Locale.ROOT)
                .withZone(Objects.requireNonNull(zone, "zone"));
    }

    /** The {@code mailq} text, ending with a newline. */
    public String render(List<QueueEntry> entries) {
        if (entries.isEmpty()) {
            return "Mail queue is empty\n";
        }
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        long totalBytes = 0;
        for (QueueEntry entry : entries) {
            totalBytes += entry.size();
            text.append(String.format(Locale.ROOT, "%-17s %8d %-20s %s\n",
                    entry.id().value() + marker(entry.state()), entry.size(),
                    arrivalFormat.format(entry.arrival()), printable(sender(entry.sender()))));
            for (RecipientState recipient : entry.recipients()) {
                if (RecipientState.SENT.equals(recipient.status())) {
                    continue;
                }
                text.append(RECIPIENT_INDENT).append(printable(recipient.address())).append('\n');
                if (recipient.lastFailure() != null && !recipient.lastFailure().equals(entry.lastFailure())) {
                    text.append(REASON_INDENT).append('(').append(printable(recipient.lastFailure())).append(")\n");
                }
            }
            if (entry.lastFailure() != null) {
                text.append(REASON_INDENT).append('(').append(printable(entry.lastFailure())).append(")\n");
            }
            text.append('\n');
        }
        long kbytes = (totalBytes + 1023) / 1024;
        text.append("-- ").append(kbytes).append(" Kbytes in ").append(entries.size())
                .append(entries.size() == 1 ? " Request.\n" : " Requests.\n");
        return text.toString();
    }

    /**
     * A JSON array, one object per message: {@code queue_name}, {@code queue_id},
     * {@code arrival_time} (epoch seconds), {@code message_size}, {@code sender},
     * {@code last_failure}, and {@code recipients} with {@code address}, {@code status} and
     * {@code delay_reason}. Field names follow {@code postqueue -j}; they are API.
     */
    public String renderJson(List<QueueEntry> entries) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartArray();
            for (QueueEntry entry : entries) {
                json.writeStartObject();
                json.writeStringField("queue_name", entry.state());
                json.writeStringField("queue_id", entry.id().value());
                json.writeNumberField("arrival_time", entry.arrival().getEpochSecond());
                json.writeNumberField("message_size", entry.size());
                json.writeStringField("sender", entry.sender());
                json.writeStringField("last_failure", entry.lastFailure());
                json.writeArrayFieldStart("recipients");
                for (RecipientState recipient : entry.recipients()) {
                    json.writeStartObject();
                    json.writeStringField("address", recipient.address());
                    json.writeStringField("status", recipient.status());
                    json.writeStringField("delay_reason", recipient.lastFailure());
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return out.append('\n').toString();
    }

    /**
     * The text listing from {@link #renderJson} output (the admin socket answers JSON; the CLI
     * prints text). Throws {@link IllegalArgumentException} on JSON that is not such a listing.
     */
    public static String textFromJson(String jsonText, ZoneId zone) {
        try {
            List<QueueEntry> entries = new java.util.ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode node : JSON.readTree(jsonText)) {
                List<RecipientState> recipients = new java.util.ArrayList<>();
                for (com.fasterxml.jackson.databind.JsonNode recipient : node.path("recipients")) {
                    recipients.add(new RecipientState(recipient.path("address").asText(), recipient.path("status").asText(),
                            recipient.path("delay_reason").isNull() ? null : recipient.path("delay_reason").asText()));
                }
                entries.add(new QueueEntry(dev.steward.relay.queue.QueueId.parse(node.path("queue_id").asText()),
                        node.path("queue_name").asText(), node.path("message_size").asLong(),
                        java.time.Instant.ofEpochSecond(node.path("arrival_time").asLong()), node.path("sender").asText(),
                        recipients, node.path("last_failure").isNull() ? null : node.path("last_failure").asText()));
            }
            return new MailqFormatter(zone).render(entries);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a queue listing: " + e.getMessage(), e);
        }
    }

    private static String marker(String state) {
        return switch (state) {
            case "active" -> "*";
            case "hold" -> "!";
            default -> "";
        };
    }

    private static String sender(String sender) {
        return sender.isEmpty() ? "MAILER-DAEMON" : sender;
    }

    /** Control characters from clients or remote replies must not reach the terminal. */
    private static String printable(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            clean.append(c < ' ' || c == 0x7f || c >= 0x80 && c < 0xa0 ? '?' : c);
        }
        return clean.toString();
    }
}
