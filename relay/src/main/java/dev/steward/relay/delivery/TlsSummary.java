package dev.steward.relay.delivery;

import java.util.Objects;

/**
 * How the connection of a delivery attempt was protected, as the {@code tls=} field of the delivery
 * log shows it: {@code none}, {@code fallback} (STARTTLS failed, so the attempt reconnected to the
 * same host in plaintext), or {@code <protocol>:<cipher>:<verified|unverified>}.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface TlsSummary permits TlsSummary.Plaintext, TlsSummary.Encrypted {

    /** Plaintext because the server did not offer STARTTLS (or the attempt never connected). */
    Plaintext NONE = new Plaintext(false);

    /** Plaintext after a failed STARTTLS, on a new connection to the same host. */
    Plaintext FALLBACK = new Plaintext(true);

    /** The {@code tls=} value. */
    String logValue();

    /** @param fallback true when TLS was tried and failed before */
    record Plaintext(boolean fallback) implements TlsSummary {
        @Override
        public String logValue() {
            return fallback ? "fallback" : "none";
        }
    }

    /**
     * @param protocol such as {@code TLSv1.3}
     * @param cipher   the cipher suite, such as {@code TLS_AES_128_GCM_SHA256}
     * @param verified true when the certificate chain is trusted and names the host
     */
    record Encrypted(String protocol, String cipher, boolean verified) implements TlsSummary {
        public Encrypted {
            requireToken(protocol, "protocol");
            requireToken(cipher, "cipher");
        }

        @Override
        public String logValue() {
            return protocol + ":" + cipher + ":" + (verified ? "verified" : "unverified");
        }

        private static void requireToken(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isEmpty() || !value.chars().allMatch(c -> c > ' ' && c < 0x7f && c != ':' && c != '"')) {
                throw new IllegalArgumentException("not a TLS " + what + " name: \"" + value + "\"");
            }
        }
    }
}
