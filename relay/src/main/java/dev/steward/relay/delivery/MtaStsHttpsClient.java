package dev.steward.relay.delivery;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.Resolver;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 §3.3): a small
 * HTTP/1.1 client over an {@link SSLSocket}, because the policy host must be resolved through our
 * own {@link Resolver} (the {@code [dns] servers} of the config, a fake DNS server in tests), and
 * the JDK's {@code HttpClient} only knows the system resolver.
 *
 * <p><b>Strategy.</b> Resolve {@code mta-sts.<domain>} (AAAA unless {@code [delivery] ipv6 =
 * false}, then A); try each address in turn until one answers over HTTPS; a connect or TLS failure
 * moves on to the next address, an HTTP answer ends the fetch. TLS 1.2 or 1.3, SNI and the
 * certificate check on the host name (endpoint identification {@code HTTPS}, RFC 6125 rules) with
 * the given trust manager: the JDK's {@code cacerts} in production. An invalid certificate means
 * no policy (RFC 8461 §3.3). Request: {@code GET /.well-known/mta-sts.txt HTTP/1.1},
 * {@code Host}, {@code Connection: close}. Accepted: status 200 with {@code Content-Type:
 * text/plain} (parameters allowed) and a UTF-8 body; redirects are not followed and nothing is
 * cached by HTTP rules (RFC 8461 §3.3). The body is framed by {@code Content-Length}, by
 * {@code Transfer-Encoding: chunked}, or by the end of the connection.
 *
 * <p><b>Limits.</b> One deadline for the whole fetch, DNS excepted ({@code [delivery]
 * mta_sts_timeout}, 10 s by default; RFC 8461 suggests at most a minute): a watchdog closes the
 * socket when it passes, so a server that trickles bytes cannot hold a delivery thread longer.
 * Status line and headers at most {@value #MAX_HEADER_BYTES} octets, the body at most
 * {@value #MAX_BODY_BYTES} octets (RFC 8461 §3.3's suggested 64 KB).
 *
 * <p><b>Security.</b> Everything the server sends is untrusted: it is read with the limits above
 * and only its status, three headers and the body are used; reasons quote at most a short piece
 * of it. Connections go out from the configured source address of their family, as SMTP does.
 *
 * <p>Thread safety: thread-safe; each fetch uses its own socket.
 */
public final class MtaStsHttpsClient {

    /** The HTTPS port. */
    public static final int HTTPS_PORT = 443;

    /** The largest policy body accepted, in octets. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** The largest status line plus headers accepted, in octets. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;

    private static final String PATH = "/.well-known/mta-sts.txt";
    private static final int MAX_INTERIM_RESPONSES = 5;

    private final Resolver resolver;
    private final SSLContext context;
    private final int port;
    private final Duration timeout;
    private final boolean ipv6;
    private final InetAddress sourceIpv4; // null: the system chooses
    private final InetAddress sourceIpv6; // null: the system chooses

    /**
     * @param trust        checks the policy host's certificate chain: {@code TlsSettings.defaultTrust()}
     *                     in production
     * @param config       {@code mta_sts_timeout}, {@code ipv6}, {@code source_ipv4}, {@code source_ipv6}
     * @param portOverride 0 for port 443; otherwise the port of every policy host (tests only,
     *                     {@code [testing] https_port_override})
     */
    public MtaStsHttpsClient(Resolver resolver, X509ExtendedTrustManager trust, DeliveryConfig config, int portOverride) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(trust, "trust");
        try {
            this.context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no usable TLS: " + e.getMessage(), e);
        }
        this.port = portOverride > 0 ? portOverride : HTTPS_PORT;
        this.timeout = config.mtaStsTimeout();
        this.ipv6 = config.ipv6();
        this.sourceIpv4 = config.sourceIpv4();
        this.sourceIpv6 = config.sourceIpv6();
    }

    /** Fetches the policy of {@code domain} (normalised A-labels). Never throws for a network outcome. */
    public PolicyFetch fetch(String domain) {
        String host = "mta-sts." + domain;
        List<InetAddress> addresses = new ArrayList<>();
        List<String> dnsProblems = new ArrayList<>();
        if (ipv6) {
            collect(resolver.ipv6(host), addresses, dnsProblems);
        }
        collect(resolver.ipv4(host), addresses, dnsProblems);
        if (addresses.isEmpty()) {
            return new PolicyFetch.Failed("no address for " + host + (dnsProblems.isEmpty() ? "" : ": "
                    + String.join("; ", dnsProblems)));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastFailure = null;
        for (InetAddress address : addresses) {
            RemoteHost remote = RemoteHost.of(host, address, port);
            if (System.nanoTime() - deadline >= 0) {
                return new PolicyFetch.Failed(remote + ": no time left (" + describe(timeout) + " for the whole fetch)");
            }
            try {
                return exchange(host, address, deadline, remote);
            } catch (IOException e) {
                lastFailure = remote + ": " + describe(e); // connect or TLS: try the next address
            }
        }
        return new PolicyFetch.Failed(lastFailure);
    }

    private static void collect(DnsAnswer<InetAddress> answer, List<InetAddress> addresses, List<String> problems) {
        switch (answer) {
            case DnsAnswer.Records<InetAddress> records -> addresses.addAll(records.records());
            case DnsAnswer.NxDomain<InetAddress> none -> problems.add("no such domain");
            case DnsAnswer.NoData<InetAddress> none -> {
                // The other family may have addresses.
            }
            case DnsAnswer.TempFail<InetAddress> failed -> problems.add(failed.reason());
        }
    }

    /** One connection: TLS, the request, the response. Throws for transport failures only. */
    private PolicyFetch exchange(String host, InetAddress address, long deadline, RemoteHost remote) throws IOException {
        Socket raw = new Socket();
        AtomicBoolean expired = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().name("mta-sts-fetch-deadline").start(() -> {
            try {
                Thread.sleep(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                expired.set(true);
                closeQuietly(raw);
            } catch (InterruptedException finished) {
                // The fetch ended in time.
            }
        });
        try (raw) {
            InetAddress source = address instanceof Inet6Address ? sourceIpv6 : sourceIpv4;
            if (source != null) {
                raw.bind(new InetSocketAddress(source, 0));
            }
            raw.connect(new InetSocketAddress(address, port), remainingMillis(deadline));
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setProtocols(protocols(tls.getSupportedProtocols()));
                // RFC 8461 §3.3: the certificate must be valid for the "mta-sts" host name.
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setServerNames(List.of(new SNIHostName(host)));
                tls.setSSLParameters(parameters);
                tls.setSoTimeout(remainingMillis(deadline));
                tls.startHandshake();
                OutputStream out = tls.getOutputStream();
                out.write(request(host).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                PolicyFetch response = read(new BufferedInputStream(tls.getInputStream()));
                if (response instanceof PolicyFetch.Failed failed) {
                    return new PolicyFetch.Failed(remote + ": " + (expired.get()
                            ? "timed out (" + describe(timeout) + " for the whole fetch)" : failed.reason()));
                }
                return response;
            }
        } catch (IOException | IllegalArgumentException e) {
            if (expired.get()) {
                throw new IOException("timed out (" + describe(timeout) + " for the whole fetch)", e);
            }
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        } finally {
            watchdog.interrupt();
        }
    }

    private String request(String host) {
        String hostHeader = port == HTTPS_PORT ? host : host + ":" + port;
        return "GET " + PATH + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nAccept: text/plain\r\n"
                + "User-Agent: Steward-MTA-STS\r\nConnection: close\r\n\r\n";
    }

    /** The response: status, headers, body. Transport errors throw; a response we refuse is {@code Failed}. */
    static PolicyFetch read(InputStream in) throws IOException {
        HttpReader reader = new HttpReader(in);
        int status = -1;
        HttpReader.Headers headers = null;
        for (int interim = 0; interim <= MAX_INTERIM_RESPONSES; interim++) {
            String statusLine = reader.line();
            if (statusLine == null) {
                return new PolicyFetch.Failed("connection closed before a response");
            }
            status = HttpReader.status(statusLine);
            if (status < 0) {
                return new PolicyFetch.Failed("not an HTTP/1.x status line: \"" + shorten(statusLine) + "\"");
            }
            headers = reader.headers();
            if (headers == null) {
                return new PolicyFetch.Failed("malformed or oversized response headers");
            }
            if (status >= 200 || status == 101) {
                break;
            }
            // 1xx (100 Continue, 103 Early Hints): another status line follows (RFC 9110 §15.2).
        }
        if (status != 200) {
            return new PolicyFetch.Failed("HTTP " + status + (status >= 300 && status < 400
                    ? " (redirects are not followed, RFC 8461 §3.3)" : ""));
        }
        String contentType = headers.contentType();
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("text/plain")) {
            return new PolicyFetch.Failed("Content-Type " + (contentType == null ? "missing" : "\"" + shorten(contentType) + "\"")
                    + ", not text/plain");
        }
        byte[] body;
        if (headers.transferEncoding() != null) {
            if (!headers.transferEncoding().strip().equalsIgnoreCase("chunked")) {
                return new PolicyFetch.Failed("unsupported Transfer-Encoding \"" + shorten(headers.transferEncoding()) + "\"");
            }
            body = reader.chunked(MAX_BODY_BYTES);
        } else if (headers.contentLength() != null) {
            long length = HttpReader.contentLength(headers.contentLength());
            if (length < 0) {
                return new PolicyFetch.Failed("malformed Content-Length \"" + shorten(headers.contentLength()) + "\"");
            }
            if (length > MAX_BODY_BYTES) {
                return new PolicyFetch.Failed("policy of " + length + " octets is over the limit of " + MAX_BODY_BYTES);
            }
            body = reader.exactly((int) length);
        } else {
            body = reader.toEnd(MAX_BODY_BYTES);
        }
        if (body == null) {
            return new PolicyFetch.Failed("policy body over the limit of " + MAX_BODY_BYTES + " octets, or malformed chunks");
        }
        try {
            return new PolicyFetch.Fetched(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString());
        } catch (CharacterCodingException e) {
            return new PolicyFetch.Failed("policy body is not UTF-8");
        }
    }

    private static String[] protocols(String[] supported) {
        List<String> enabled = new ArrayList<>();
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            if (List.of(supported).contains(protocol)) {
                enabled.add(protocol);
            }
        }
        return enabled.toArray(String[]::new);
    }

    private static int remainingMillis(long deadline) throws IOException {
        long millis = (deadline - System.nanoTime()) / 1_000_000;
        if (millis <= 0) {
            throw new IOException("no time left");
        }
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing to end a stalled fetch: nothing to report.
        }
    }

    /** Reads an HTTP/1.1 response with hard limits. Single-threaded. */
    static final class HttpReader {

        /** The three headers we use; null when absent. */
        record Headers(String contentType, String contentLength, String transferEncoding) {
        }

        private static final int MAX_CHUNK_LINE = 1024;

        private final InputStream in;
        private int headerBudget = MAX_HEADER_BYTES; // octets of status lines and headers still allowed

        HttpReader(InputStream in) {
            this.in = in;
        }

        /** {@code HTTP/1.x NNN [reason]}: the status, or -1. */
        static int status(String line) {
            if (!line.matches("HTTP/1\\.[01] [1-9][0-9]{2}( .*)?")) {
                return -1;
            }
            return Integer.parseInt(line.substring(9, 12));
        }

        /** Digits only, or -1. */
        static long contentLength(String value) {
            String digits = value.strip();
            if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return -1;
            }
            return Long.parseLong(digits);
        }

        /** One line of the head, without CRLF or LF; null at the end of input or past the header budget. */
        String line() throws IOException {
            String line = line(headerBudget);
            if (line != null) {
                headerBudget -= line.length() + 2;
            }
            return line;
        }

        /** One line of at most {@code max} octets, without CRLF or LF; null at the end of input or when longer. */
        private String line(int max) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0 || line.size() >= max) {
                    return null;
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
            }
        }

        /** The header section up to its empty line; null if malformed (obs-fold, no colon, a conflict) or too long. */
        Headers headers() throws IOException {
            String contentType = null;
            String contentLength = null;
            String transferEncoding = null;
            while (true) {
                String line = line();
                if (line == null) {
                    return null;
                }
                if (line.isEmpty()) {
                    return new Headers(contentType, contentLength, transferEncoding);
                }
                int colon = line.indexOf(':');
                if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                    return null; // RFC 9112 §5.2: obs-fold is not accepted from a server we cannot trust
                }
                String name = line.substring(0, colon);
                if (!name.equals(name.strip())) {
                    return null;
                }
                String value = line.substring(colon + 1).strip();
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "content-type" -> {
                        if (contentType != null) {
                            return null;
                        }
                        contentType = value;
                    }
                    case "content-length" -> {
                        if (contentLength != null && !contentLength.equals(value)) {
                            return null;
                        }
                        contentLength = value;
                    }
                    case "transfer-encoding" -> transferEncoding = transferEncoding == null ? value : transferEncoding + ", " + value;
                    default -> {
                        // Other headers do not matter here (no caching: RFC 8461 §3.3).
                    }
                }
            }
        }

        /** Exactly {@code length} octets; an early end of input is a transport failure. */
        byte[] exactly(int length) throws IOException {
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new IOException("connection closed after " + body.length + " of " + length + " octets of the body");
            }
            return body;
        }

        /** Everything up to the end of input; null when more than {@code limit} octets. */
        byte[] toEnd(int limit) throws IOException {
            byte[] body = in.readNBytes(limit + 1);
            return body.length > limit ? null : body;
        }

        /** A chunked body (RFC 9112 §7.1), trailers skipped; null when malformed or over {@code limit}. */
        byte[] chunked(int limit) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line(MAX_CHUNK_LINE);
                if (sizeLine == null) {
                    return null;
                }
                String size = sizeLine.split(";", 2)[0].strip();
                if (size.isEmpty() || size.length() > 8 || !size.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    return null;
                }
                int length = Integer.parseInt(size, 16);
                if (length == 0) {
                    while (true) { // trailer section
                        String trailer = line(MAX_CHUNK_LINE);
                        if (trailer == null) {
                            return null;
                        }
                        if (trailer.isEmpty()) {
                            return body.toByteArray();
                        }
                    }
                }
                if (body.size() + (long) length > limit) {
                    return null;
                }
                body.write(exactly(length));
                String end = line(MAX_CHUNK_LINE);
                if (end == null || !end.isEmpty()) {
                    return null;
                }
            }
        }
    }
}
