package dev.steward.relay.policy;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.relay.delivery.RemoteHost;
import dev.steward.smtp.wire.SmtpReply;
import java.util.Objects;

/**
 * What went wrong in a delivery attempt, as the mechanism observed it: no judgement, only facts.
 * {@link FailureClassifier} turns each into a {@link Disposition}. A closed set, so the classifier
 * handles every case; a fact the mechanism cannot name is {@link Unexpected}.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface FailureFact {

    /**
     * The server replied with something other than the success the stage expects: normally 4xx or
     * 5xx; a 2xx or 3xx where it does not belong is a protocol error.
     */
    record RemoteReply(SmtpStage stage, SmtpReply reply, RemoteHost host) implements FailureFact {
        public RemoteReply {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(host, "host");
        }
    }

    /** TCP connect failed: refused, unreachable, timed out. {@code detail} as the OS says it: {@code Connection refused}. */
    record ConnectFailed(RemoteHost host, String detail) implements FailureFact {
        public ConnectFailed {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The server closed the connection (or it broke) during the stage. */
    record ConnectionLost(SmtpStage stage, RemoteHost host) implements FailureFact {
        public ConnectionLost {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(host, "host");
        }
    }

    /** No reply within the stage's timeout (RFC 5321 §4.5.3.2). */
    record TimedOut(SmtpStage stage, RemoteHost host) implements FailureFact {
        public TimedOut {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(host, "host");
        }
    }

    /** A reply that is not a reply: no code, a line too long, garbage. */
    record MalformedReply(SmtpStage stage, RemoteHost host, String detail) implements FailureFact {
        public MalformedReply {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** What went wrong with TLS where {@link TlsPolicy} said it must not. */
    enum TlsProblem {
        /** TLS is required and the server did not offer STARTTLS. */
        NOT_OFFERED,
        /** The handshake failed or stalled. */
        HANDSHAKE_FAILED,
        /** Verified TLS is required and the chain is not trusted. */
        CERTIFICATE_NOT_TRUSTED,
        /** Verified TLS is required and the certificate does not name the host. */
        NAME_MISMATCH
    }

    /** TLS failed where it is required; {@code detail} may be null. */
    record TlsFailed(TlsProblem problem, RemoteHost host, String detail) implements FailureFact {
        public TlsFailed {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(host, "host");
        }
    }

    /** The recipient domain's MTA-STS policy is in enforce mode and does not list this MX host (RFC 8461 §4.1). */
    record MxNotInMtaStsPolicy(String mxHost) implements FailureFact {
        public MxNotInMtaStsPolicy {
            Objects.requireNonNull(mxHost, "mxHost");
        }
    }

    /** Which lookup a DNS answer answered. */
    enum DnsLookup {
        /** MX records of the recipient domain. */
        MX,
        /** A/AAAA of the recipient domain itself, when it has no MX (RFC 5321 §5.1 implicit MX). */
        DOMAIN_ADDRESS,
        /** A/AAAA of the MX hosts; report this only when no MX host had any address. */
        MX_HOST_ADDRESS
    }

    /** A DNS answer that stops delivery: {@code NxDomain}, {@code NoData} or {@code TempFail}. */
    record DnsFailure(DnsLookup lookup, String name, DnsAnswer<?> answer) implements FailureFact {
        public DnsFailure {
            Objects.requireNonNull(lookup, "lookup");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(answer, "answer");
        }
    }

    /** The domain publishes a null MX ({@code MX 0 .}): it accepts no mail (RFC 7505). */
    record NullMx(String domain) implements FailureFact {
        public NullMx {
            Objects.requireNonNull(domain, "domain");
        }
    }

    /** The best MX of the domain is this host (Postfix {@code smtp_find_self}). */
    record LoopsBackToMyself(String domain) implements FailureFact {
        public LoopsBackToMyself {
            Objects.requireNonNull(domain, "domain");
        }
    }

    /** The message has more {@code Received:} headers than the hop limit (RFC 5321 §6.3). */
    record TooManyHops(int hops) implements FailureFact {
    }

    /** The message needs SMTPUTF8 (RFC 6531) and the server did not offer it. */
    record Smtputf8NotOffered(RemoteHost host) implements FailureFact {
        public Smtputf8NotOffered {
            Objects.requireNonNull(host, "host");
        }
    }

    /** The message is larger than the limit the server announced with EHLO SIZE (RFC 1870). */
    record SizeExceeded(long messageSize, long sizeLimit, RemoteHost host) implements FailureFact {
        public SizeExceeded {
            Objects.requireNonNull(host, "host");
        }
    }

    /** Reading the queued message failed on this machine. */
    record LocalIo(String detail) implements FailureFact {
        public LocalIo {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Anything else: an exception nobody expected, caught at the root of the attempt. Always
     * temporary (maddy {@code IsTemporaryOrUnspec}), so a bug of ours never bounces mail.
     *
     * @param detail what was caught, such as the exception class and message
     */
    record Unexpected(String detail) implements FailureFact {
        public Unexpected {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
