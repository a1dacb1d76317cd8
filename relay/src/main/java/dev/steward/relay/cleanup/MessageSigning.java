package dev.steward.relay.cleanup;

import dev.steward.mail.dkim.DkimSigner;
import dev.steward.mail.model.DomainName;
import dev.steward.mail.model.EmailAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DKIM signing for cleanup: one signature per configured key, all over the same final message
 * bytes, with {@code d=} the app domain that the envelope sender's domain equals or lies below
 * (the most specific one when app domains nest).
 *
 * <p>Thread safety: thread-safe (immutable keys; signers are cached in a concurrent map).
 */
public final class MessageSigning {

    /** One signing key with its selector ({@code s=}). */
    public record Key(String selector, PrivateKey privateKey) {
        public Key {
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    /** One signature made: the field to prepend (with CRLF) and the tags to log. */
    public record Signature(String field, String domain, String selector, String algorithm) {
    }

    private final List<DomainName> appDomains;
    private final List<Key> keys;
    private final Clock clock;
    private final Map<DomainName, List<Bound>> signers = new ConcurrentHashMap<>();

    public MessageSigning(List<DomainName> appDomains, List<Key> keys, Clock clock) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("signing needs at least one key");
        }
        this.appDomains = List.copyOf(appDomains);
        this.keys = List.copyOf(keys);
        this.clock = Objects.requireNonNull(clock, "clock");
        for (DomainName domain : this.appDomains) {
            signersFor(domain); // bad selector or key: fail at start, not at the first message
        }
    }

    /** The app domain that signs for this envelope sender. */
    DomainName signingDomain(String envelopeSender) {
        DomainName senderDomain = EmailAddress.parse(envelopeSender).domain();
        return appDomains.stream().filter(senderDomain::isSameOrSubdomainOf)
                .max(Comparator.comparingInt(d -> d.ascii().length()))
                .orElseThrow(() -> new IllegalArgumentException("sender domain " + senderDomain.ascii()
                        + " is not an app domain or below one"));
    }

    /**
     * Signs the message made of {@code header} (the complete header section, with the empty line
     * that ends it if there is one) followed by the bytes {@code body} writes.
     *
     * @throws IOException when the body cannot be read
     */
    List<Signature> sign(String envelopeSender, byte[] header, BodySource body) throws IOException {
        DomainName domain = signingDomain(envelopeSender);
        List<Signature> signatures = new ArrayList<>();
        for (Bound bound : signersFor(domain)) {
            DkimSigner signer = bound.signer();
            String field;
            if (body == null) {
                field = signer.sign(header);
            } else {
                try (InputStream in = stream(body)) {
                    field = signer.sign(header, in);
                }
            }
            signatures.add(new Signature(field, domain.ascii(), bound.selector(), signer.algorithm().tagValue()));
        }
        return signatures;
    }

    /** Writes the message body to a stream; for bodies that are partly on disk. */
    @FunctionalInterface
    interface BodySource {
        void writeTo(OutputStream out) throws IOException;
    }

    private record Bound(String selector, DkimSigner signer) {
    }

    private List<Bound> signersFor(DomainName domain) {
        return signers.computeIfAbsent(domain, d -> keys.stream()
                .map(key -> new Bound(key.selector(), new DkimSigner(d, key.selector(), key.privateKey(), clock)))
                .toList());
    }

    /** The body as a stream: a virtual thread writes it into a pipe the signer reads. */
    private static InputStream stream(BodySource body) throws IOException {
        PipedInputStream in = new PipedInputStream(64 * 1024);
        PipedOutputStream out = new PipedOutputStream(in);
        IOException[] failure = new IOException[1];
        Thread writer = Thread.ofVirtual().name("dkim-body").start(() -> {
            try (out) {
                body.writeTo(out);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() throws IOException {
                super.close();
                try {
                    writer.join();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (failure[0] != null) {
                    throw failure[0];
                }
            }
        };
    }
}
