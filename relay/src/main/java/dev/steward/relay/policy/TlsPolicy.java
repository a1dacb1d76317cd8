package dev.steward.relay.policy;

import dev.steward.relay.delivery.RemoteHost;
import dev.steward.relay.delivery.TlsSummary;
import dev.steward.relay.policy.FailureFact.TlsProblem;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * When to use TLS and what to do when it fails (STYLE B3, B11.6; maddy {@code connect.go},
 * Postfix {@code smtp_proto.c}). The client reports facts, this class decides:
 *
 * <ul>
 *   <li><b>Opportunistic</b> (MX delivery, MAIL-3): STARTTLS whenever offered; any certificate
 *       will do (logged {@code unverified}). Not offered: plaintext ({@code tls=none}). Refused
 *       with a 4xx/5xx: plaintext on the same connection. Handshake failed or stalled: reconnect
 *       to the same MX without STARTTLS, in the same attempt ({@code tls=fallback}); otherwise a
 *       host with broken TLS would never get mail.</li>
 *   <li><b>Verified</b> (the smarthost, MAIL-5; an MX whose domain has an MTA-STS policy in
 *       {@code enforce} mode, RFC 8461 §5): TLS with a trusted certificate naming the host, or
 *       nothing: every TLS problem defers (temporary), never plaintext.</li>
 *   <li>A reply 421 to STARTTLS always defers: the server is closing the connection.</li>
 * </ul>
 *
 * Fetching MTA-STS policies is the delivery agent's ({@code relay.delivery.MtaStsPolicies}); DANE
 * is not done. This class only decides, given the mode.
 *
 * <p>Pure: no I/O, no logging. Thread safety: stateless, thread-safe.
 */
public final class TlsPolicy {

    /** How much TLS a destination requires. */
    public enum TlsLevel {
        /** Use TLS if offered, fall back to plaintext (Postfix {@code may}). */
        OPPORTUNISTIC,
        /** TLS with a trusted certificate for the host name, or defer (Postfix {@code secure}). */
        VERIFIED
    }

    /** The {@code mode} of the recipient domain's MTA-STS policy (RFC 8461 §3.2); NONE also when there is no policy. */
    public enum MtaStsMode {
        NONE,
        TESTING,
        ENFORCE
    }

    /**
     * The level for a destination: the smarthost and MTA-STS {@code enforce} domains need verified
     * TLS; everything else is opportunistic ({@code testing} only reports, RFC 8461 §5).
     */
    public TlsLevel levelFor(boolean smarthost, MtaStsMode mtaSts) {
        Objects.requireNonNull(mtaSts, "mtaSts");
        return smarthost || mtaSts == MtaStsMode.ENFORCE ? TlsLevel.VERIFIED : TlsLevel.OPPORTUNISTIC;
    }

    /**
     * Whether an MX host may be used under the domain's MTA-STS policy (RFC 8461 §4.1): in
     * {@code enforce} mode it must match one of the policy's {@code mx} patterns, either exactly or
     * as {@code *.example.net} matching exactly one more label on the left; case and a trailing dot
     * do not matter. Other modes allow every host.
     */
    public boolean mxAllowed(MtaStsMode mode, String mxHost, List<String> mxPatterns) {
        Objects.requireNonNull(mode, "mode");
        if (mode != MtaStsMode.ENFORCE) {
            return true;
        }
        String host = canonical(mxHost);
        for (String pattern : mxPatterns) {
            String canonicalPattern = canonical(pattern);
            if (canonicalPattern.startsWith("*.")) {
                String suffix = canonicalPattern.substring(1); // ".example.net"
                int firstDot = host.indexOf('.');
                if (firstDot > 0 && host.substring(firstDot).equals(suffix)) {
                    return true;
                }
            } else if (host.equals(canonicalPattern)) {
                return true;
            }
        }
        return false;
    }

    /**
     * After the EHLO reply.
     *
     * @param starttlsOffered the EHLO reply listed STARTTLS
     * @param plaintextRetry  this connection is the reconnect after {@link TlsDecision.ReconnectWithoutTls}
     * @throws IllegalArgumentException for a plaintext retry at the verified level, which never reconnects
     */
    public TlsDecision afterEhlo(TlsLevel level, boolean starttlsOffered, boolean plaintextRetry, RemoteHost host) {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(host, "host");
        if (plaintextRetry) {
            if (level == TlsLevel.VERIFIED) {
                throw new IllegalArgumentException("a plaintext retry never happens where verified TLS is required");
            }
            return new TlsDecision.Plaintext(TlsSummary.FALLBACK);
        }
        if (starttlsOffered) {
            return new TlsDecision.StartTls();
        }
        return level == TlsLevel.VERIFIED
                ? new TlsDecision.Defer(new FailureFact.TlsFailed(TlsProblem.NOT_OFFERED, host, null))
                : new TlsDecision.Plaintext(TlsSummary.NONE);
    }

    /** After STARTTLS and the handshake. */
    public TlsDecision afterStartTls(TlsLevel level, StartTlsResult result, RemoteHost host) {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(host, "host");
        boolean verifiedRequired = level == TlsLevel.VERIFIED;
        return switch (result) {
            case StartTlsResult.Established established -> {
                if (verifiedRequired && !established.trusted()) {
                    yield new TlsDecision.Defer(new FailureFact.TlsFailed(TlsProblem.CERTIFICATE_NOT_TRUSTED, host, null));
                }
                if (verifiedRequired && !established.nameMatches()) {
                    yield new TlsDecision.Defer(new FailureFact.TlsFailed(TlsProblem.NAME_MISMATCH, host, null));
                }
                yield new TlsDecision.Encrypted(new TlsSummary.Encrypted(established.protocol(), established.cipher(),
                        established.trusted() && established.nameMatches()));
            }
            case StartTlsResult.Refused refused -> refused.reply().code() == 421 || verifiedRequired
                    ? new TlsDecision.Defer(new FailureFact.RemoteReply(SmtpStage.STARTTLS, refused.reply(), host))
                    // RFC 3207 §4: after a refusal the session goes on as before, in plaintext.
                    : new TlsDecision.Plaintext(TlsSummary.FALLBACK);
            case StartTlsResult.HandshakeFailed failed -> verifiedRequired
                    ? new TlsDecision.Defer(new FailureFact.TlsFailed(TlsProblem.HANDSHAKE_FAILED, host, failed.detail()))
                    : new TlsDecision.ReconnectWithoutTls();
            case StartTlsResult.Unverified unverified -> verifiedRequired
                    ? new TlsDecision.Defer(new FailureFact.TlsFailed(TlsProblem.CERTIFICATE_NOT_TRUSTED, host, unverified.detail()))
                    // Only a client that required verification ends a handshake for it; treat it as failed.
                    : new TlsDecision.ReconnectWithoutTls();
            case StartTlsResult.Stalled stalled -> verifiedRequired
                    ? new TlsDecision.Defer(new FailureFact.TlsFailed(TlsProblem.HANDSHAKE_FAILED, host, stalled.detail()))
                    : new TlsDecision.ReconnectWithoutTls();
        };
    }

    private static String canonical(String name) {
        Objects.requireNonNull(name, "name");
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
