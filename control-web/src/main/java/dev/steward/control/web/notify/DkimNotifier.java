package dev.steward.control.web.notify;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.store.AuditLogRepository;
import dev.steward.control.store.CustomerRepository;
import java.time.Clock;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the DKIM record notice (DNS-3) to a server's customer's contacts through the configured
 * SMTP relay, and records the outcome in the audit log: {@code server.dkim_notice_sent} with the
 * recipients and the relay's reply, or {@code server.dkim_notice_failed} with the reason. A failure
 * is logged ({@code dkim_notice_failed}) and returned to the caller, never dropped; the notice is
 * sent again on the next key change or when an operator registers the same key again
 * ({@code PUT /api/v1/servers/{id}/dkim}).
 *
 * <p>Without a relay ({@code [notify] smtp} unset) nothing is sent and the outcome says so
 * ({@link Status#NOT_CONFIGURED}, audited as failed: the customer was not told).
 *
 * <p>Thread safety: thread-safe (immutable; each send has its own connection).
 */
public final class DkimNotifier {

    private static final Logger log = LoggerFactory.getLogger(DkimNotifier.class);

    /** What happened to a notice. */
    public enum Status {
        /** The relay accepted it for every contact. */
        SENT,
        /** The relay refused it or could not be reached. */
        FAILED,
        /** No relay is configured. */
        NOT_CONFIGURED
    }

    /**
     * @param status what happened
     * @param detail the relay's reply, or why it failed
     * @param owner the TXT record's name that was (or would have been) sent
     * @param value the TXT record's value
     */
    public record Outcome(Status status, String detail, String owner, String value) {
    }

    private final SmtpSubmission smtp; // null: not configured
    private final String sender;
    private final String providerDomain;
    private final CustomerRepository customers;
    private final AuditLogRepository audit;
    private final Clock clock;

    /**
     * @param smtp the relay to submit to, or {@code null} when none is configured
     * @param sender the envelope and header sender, e.g. {@code steward@hosting.example}
     */
    public DkimNotifier(SmtpSubmission smtp, String sender, String providerDomain, CustomerRepository customers,
                        AuditLogRepository audit, Clock clock) {
        this.smtp = smtp;
        this.sender = sender;
        this.providerDomain = providerDomain;
        this.customers = customers;
        this.audit = audit;
        this.clock = clock;
    }

    /** Whether a relay is configured. */
    public boolean configured() {
        return smtp != null;
    }

    /** Sends the notice for {@code server}'s current key; see the class comment. */
    public Outcome notify(Actor actor, Server server) {
        Customer customer = customers.get(server.customerId());
        DkimNotice notice = DkimNotice.of(server, customer, providerDomain);
        if (smtp == null) {
            audit.record(actor, "server.dkim_notice_failed", "server", server.id(), "reason",
                    "no SMTP relay configured ([notify] smtp)", "recipients", String.join(",", customer.contacts()));
            log.warn("dkim_notice_failed server={} reason=not_configured", server.name());
            return new Outcome(Status.NOT_CONFIGURED, "no SMTP relay configured ([notify] smtp)", notice.owner(),
                    notice.value());
        }
        String message = notice.message(sender, customer.contacts(), ZonedDateTime.now(clock), providerDomain);
        try {
            String reply = smtp.submit(sender, customer.contacts(), message);
            audit.record(actor, "server.dkim_notice_sent", "server", server.id(), "recipients",
                    String.join(",", customer.contacts()), "owner", notice.owner(), "relay_reply", reply);
            log.info("dkim_notice_sent server={} recipients={} reply=\"{}\"", server.name(), customer.contacts().size(),
                    reply);
            return new Outcome(Status.SENT, reply, notice.owner(), notice.value());
        } catch (SmtpSubmission.SubmissionException failed) {
            audit.record(actor, "server.dkim_notice_failed", "server", server.id(), "reason", failed.getMessage(),
                    "recipients", String.join(",", customer.contacts()));
            log.warn("dkim_notice_failed server={} reason=\"{}\"", server.name(), failed.getMessage());
            return new Outcome(Status.FAILED, failed.getMessage(), notice.owner(), notice.value());
        }
    }
}
