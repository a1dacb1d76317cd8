package dev.steward.relay.queue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The {@code ID.env} file: envelope and per-recipient delivery state, versioned JSON.
 *
 * <pre>
 * {
 *   "format": 1,                         first field; readers refuse other versions
 *   "id": "0C8Q2M4K90000AB",
 *   "sender": "app@app.example.test",    "" for the null sender
 *   "arrival": "2026-11-28T11:00:00Z",
 *   "client": "web1[192.0.2.10]", "helo": "web1", "smtputf8": false, "body": "7BIT",
 *   "message_id": "&lt;x@y&gt;" or null,
 *   "size": 1234,                        bytes of ID.msg; a mismatch means corrupt
 *   "attempts": 0,
 *   "last_failure": null,
 *   "recipients": [ {"address": "bob@example.org", "status": "pending", "last_failure": null} ],
 *   "next_attempt": "2026-11-28T11:05:00Z" or null,   when the queue manager tries again
 *   "delay_warned": false,              whether the sender got a delay notice
 *   "end": true                          last field: a file without it is truncated, so corrupt
 * }
 * </pre>
 *
 * Unknown fields are ignored, so a later release may add fields without a new format number.
 *
 * <p>Thread safety: immutable.
 */
record EnvelopeFile(QueueId id, String sender, Instant arrival, String client, String helo,
        boolean smtputf8, String body, String messageId, long size, int attempts,
        String lastFailure, List<RecipientState> recipients, Instant nextAttempt, boolean delayWarned) {

    static final int FORMAT = 1;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    EnvelopeFile {
        recipients = List.copyOf(recipients);
    }

    /** A message not yet tried: no next attempt planned, no delay warning sent. */
    EnvelopeFile(QueueId id, String sender, Instant arrival, String client, String helo, boolean smtputf8,
            String body, String messageId, long size, int attempts, String lastFailure, List<RecipientState> recipients) {
        this(id, sender, arrival, client, helo, smtputf8, body, messageId, size, attempts, lastFailure, recipients,
                null, false);
    }

    /** This state after an attempt: new recipient states, attempt count, last failure and next attempt. */
    EnvelopeFile afterAttempt(List<RecipientState> newRecipients, int newAttempts, String newLastFailure,
            Instant newNextAttempt, boolean newDelayWarned) {
        return new EnvelopeFile(id, sender, arrival, client, helo, smtputf8, body, messageId, size, newAttempts,
                newLastFailure, newRecipients, newNextAttempt, newDelayWarned);
    }

    /** The recipients still to be delivered. */
    List<String> pendingRecipients() {
        return recipients.stream().filter(r -> r.status().equals(RecipientState.PENDING)).map(RecipientState::address).toList();
    }

    static EnvelopeFile initial(QueueId id, NewMessage message, long size) {
        List<RecipientState> recipients = new ArrayList<>();
        for (String address : message.recipients()) {
            recipients.add(RecipientState.pending(address));
        }
        return new EnvelopeFile(id, message.sender(), message.arrival(), message.client(),
                message.helo(), message.smtputf8(), message.body(), message.messageId(), size, 0,
                null, recipients);
    }

    QueueEntry toEntry(String state) {
        return new QueueEntry(id, state, size, arrival, sender, recipients, lastFailure);
    }

    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeNumberField("format", FORMAT);
            json.writeStringField("id", id.value());
            json.writeStringField("sender", sender);
            json.writeStringField("arrival", arrival.toString());
            json.writeStringField("client", client);
            json.writeStringField("helo", helo);
            json.writeBooleanField("smtputf8", smtputf8);
            json.writeStringField("body", body);
            json.writeStringField("message_id", messageId);
            json.writeNumberField("size", size);
            json.writeNumberField("attempts", attempts);
            json.writeStringField("last_failure", lastFailure);
            json.writeArrayFieldStart("recipients");
            for (RecipientState recipient : recipients) {
                json.writeStartObject();
                json.writeStringField("address", recipient.address());
                json.writeStringField("status", recipient.status());
                json.writeStringField("last_failure", recipient.lastFailure());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("next_attempt", nextAttempt == null ? null : nextAttempt.toString());
            json.writeBooleanField("delay_warned", delayWarned);
            json.writeBooleanField("end", true);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** Parses and validates; {@code expected} is the id the file name says. */
    static EnvelopeFile decode(byte[] bytes, QueueId expected) throws CorruptQueueFileException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new CorruptQueueFileException("not valid JSON (truncated or garbage): "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CorruptQueueFileException("not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CorruptQueueFileException("not a JSON object");
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isInt()) {
            throw new CorruptQueueFileException("no \"format\" field");
        }
        if (format.intValue() != FORMAT) {
            throw new CorruptQueueFileException("unsupported format " + format.intValue());
        }
        String last = null;
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            last = names.next();
        }
        if (!"end".equals(last) || !root.get("end").isBoolean() || !root.get("end").booleanValue()) {
            throw new CorruptQueueFileException("no end marker (\"end\": true as the last field)");
        }
        QueueId id = parseId(text(root, "id", false));
        if (!id.equals(expected)) {
            throw new CorruptQueueFileException("id " + id + " does not match the file name " + expected);
        }
        JsonNode recipientsNode = root.get("recipients");
        if (recipientsNode == null || !recipientsNode.isArray() || recipientsNode.isEmpty()) {
            throw new CorruptQueueFileException("no recipients");
        }
        List<RecipientState> recipients = new ArrayList<>();
        for (JsonNode recipient : recipientsNode) {
            try {
                recipients.add(new RecipientState(text(recipient, "address", false),
                        text(recipient, "status", false), text(recipient, "last_failure", true)));
            } catch (IllegalArgumentException e) {
                throw new CorruptQueueFileException("bad recipient: " + e.getMessage(), e);
            }
        }
        Instant arrival;
        try {
            arrival = Instant.parse(text(root, "arrival", false));
        } catch (DateTimeParseException e) {
            throw new CorruptQueueFileException("bad arrival time", e);
        }
        return new EnvelopeFile(id, text(root, "sender", false), arrival, text(root, "client", false),
                text(root, "helo", false), bool(root, "smtputf8"), text(root, "body", false),
                text(root, "message_id", true), number(root, "size"), (int) number(root, "attempts"),
                text(root, "last_failure", true), recipients, instant(root, "next_attempt"),
                root.path("delay_warned").asBoolean(false));
    }

    /** An optional instant (absent in files written before the queue manager existed). */
    private static Instant instant(JsonNode node, String field) throws CorruptQueueFileException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new CorruptQueueFileException("bad " + field + " time", e);
        }
    }

    private static QueueId parseId(String text) throws CorruptQueueFileException {
        try {
            return QueueId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CorruptQueueFileException("bad id: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, boolean nullable) throws CorruptQueueFileException {
        JsonNode value = node.get(field);
        if (value != null && value.isTextual()) {
            return value.textValue();
        }
        if (nullable && (value == null || value.isNull())) {
            return null;
        }
        throw new CorruptQueueFileException("field \"" + field + "\" missing or not a string");
    }

    private static boolean bool(JsonNode node, String field) throws CorruptQueueFileException {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw new CorruptQueueFileException("field \"" + field + "\" missing or not a boolean");
        }
        return value.booleanValue();
    }

    private static long number(JsonNode node, String field) throws CorruptQueueFileException {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() < 0) {
            throw new CorruptQueueFileException("field \"" + field + "\" missing or not a count");
        }
        return value.longValue();
    }
}
