package dev.steward.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP/1.1 response reading of the policy client (RFC 8461 §3.3, RFC 9112), on bytes in memory. */
class MtaStsHttpsClientTest {

    private static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx.example.test\r\nmax_age: 86400\r\n";
    private static final int LIMIT = MtaStsHttpsClient.MAX_BODY_BYTES;

    private static PolicyFetch read(String response) throws IOException {
        return read(response.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static PolicyFetch read(byte[] response) throws IOException {
        return MtaStsHttpsClient.read(new ByteArrayInputStream(response));
    }

    private static String ok(String headers, String body) {
        return "HTTP/1.1 200 OK\r\n" + headers + "\r\n" + body;
    }

    static Stream<Arguments> accepted() {
        String length = "Content-Length: " + POLICY.length() + "\r\n";
        return Stream.of(
                Arguments.of("Content-Length", ok("Content-Type: text/plain\r\n" + length, POLICY)),
                Arguments.of("charset parameter", ok("Content-Type: text/plain; charset=utf-8\r\n" + length, POLICY)),
                Arguments.of("media type in capitals", ok("content-type: Text/Plain\r\n" + length, POLICY)),
                Arguments.of("until the connection closes", ok("Content-Type: text/plain\r\nConnection: close\r\n", POLICY)),
                Arguments.of("HTTP/1.0, LF line ends, no reason phrase",
                        "HTTP/1.0 200\nContent-Type: text/plain\n\n" + POLICY),
                Arguments.of("chunked with extensions and a trailer", ok("Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n",
                        "10;ext=1\r\n" + POLICY.substring(0, 16) + "\r\n" + Integer.toHexString(POLICY.length() - 16) + "\r\n"
                                + POLICY.substring(16) + "\r\n0\r\nX-Trailer: yes\r\n\r\n")),
                Arguments.of("100 Continue first", "HTTP/1.1 100 Continue\r\n\r\n" + ok("Content-Type: text/plain\r\n" + length, POLICY)),
                Arguments.of("other headers ignored", ok("Server: x\r\nCache-Control: max-age=1\r\nContent-Type: text/plain\r\n"
                        + length + "Content-Length: " + POLICY.length() + "\r\n", POLICY)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void read_accepted(String name, String response) throws IOException {
        assertThat(read(response)).isEqualTo(new PolicyFetch.Fetched(POLICY));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("404", "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope", "HTTP 404"),
                Arguments.of("redirect", "HTTP/1.1 301 Moved Permanently\r\nLocation: https://elsewhere.test/\r\n\r\n",
                        "HTTP 301 (redirects are not followed, RFC 8461 §3.3)"),
                Arguments.of("HTML", ok("Content-Type: text/html\r\n", "<html></html>"), "Content-Type \"text/html\", not text/plain"),
                Arguments.of("no Content-Type", ok("", POLICY), "Content-Type missing, not text/plain"),
                Arguments.of("text/plainx", ok("Content-Type: text/plainx\r\n", POLICY), "Content-Type \"text/plainx\", not text/plain"),
                Arguments.of("Content-Length over the limit", ok("Content-Type: text/plain\r\nContent-Length: " + (LIMIT + 1) + "\r\n", ""),
                        "policy of " + (LIMIT + 1) + " octets is over the limit of " + LIMIT),
                Arguments.of("body until close over the limit", ok("Content-Type: text/plain\r\n", "x".repeat(LIMIT + 1)),
                        "policy body over the limit of " + LIMIT + " octets, or malformed chunks"),
                Arguments.of("chunks over the limit", ok("Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n",
                        Integer.toHexString(LIMIT) + "\r\n" + "x".repeat(LIMIT) + "\r\n1\r\nx\r\n0\r\n\r\n"),
                        "policy body over the limit of " + LIMIT + " octets, or malformed chunks"),
                Arguments.of("malformed chunk size", ok("Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n", "zz\r\n"),
                        "policy body over the limit of " + LIMIT + " octets, or malformed chunks"),
                Arguments.of("gzip", ok("Content-Type: text/plain\r\nTransfer-Encoding: gzip, chunked\r\n", ""),
                        "unsupported Transfer-Encoding \"gzip, chunked\""),
                Arguments.of("malformed Content-Length", ok("Content-Type: text/plain\r\nContent-Length: 1e3\r\n", POLICY),
                        "malformed Content-Length \"1e3\""),
                Arguments.of("two different Content-Length", ok("Content-Type: text/plain\r\nContent-Length: 3\r\nContent-Length: 4\r\n",
                        POLICY), "malformed or oversized response headers"),
                Arguments.of("obs-fold", ok("Content-Type: text/plain\r\n  ; charset=utf-8\r\n", POLICY),
                        "malformed or oversized response headers"),
                Arguments.of("headers over the limit", ok("X-Big: " + "x".repeat(MtaStsHttpsClient.MAX_HEADER_BYTES) + "\r\n", POLICY),
                        "malformed or oversized response headers"),
                Arguments.of("not HTTP", "SSH-2.0-OpenSSH_9.6\r\n", "not an HTTP/1.x status line: \"SSH-2.0-OpenSSH_9.6\""),
                Arguments.of("HTTP/2 text", "HTTP/2 200\r\n\r\n", "not an HTTP/1.x status line: \"HTTP/2 200\""),
                Arguments.of("nothing", "", "connection closed before a response"),
                Arguments.of("too many interim responses", "HTTP/1.1 103 Early Hints\r\n\r\n".repeat(7),
                        "HTTP 103"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void read_refused(String name, String response, String reason) throws IOException {
        assertThat(read(response)).isEqualTo(new PolicyFetch.Failed(reason));
    }

    @Test
    void read_bodyNotUtf8_refused() throws IOException {
        byte[] head = ok("Content-Type: text/plain\r\n", "").getBytes(StandardCharsets.ISO_8859_1);
        byte[] response = new byte[head.length + 2];
        System.arraycopy(head, 0, response, 0, head.length);
        response[head.length] = (byte) 0xc3; // a lone lead byte
        response[head.length + 1] = (byte) 0x28;
        assertThat(read(response)).isEqualTo(new PolicyFetch.Failed("policy body is not UTF-8"));
    }

    @Test
    void read_utf8Body_decoded() throws IOException {
        String body = POLICY + "x-comment: grüße\r\n";
        byte[] head = ok("Content-Type: text/plain; charset=utf-8\r\n", "").getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] response = new byte[head.length + bytes.length];
        System.arraycopy(head, 0, response, 0, head.length);
        System.arraycopy(bytes, 0, response, head.length, bytes.length);
        assertThat(read(response)).isEqualTo(new PolicyFetch.Fetched(body));
    }

    @Test
    void read_bodyShorterThanContentLength_isATransportFailure() {
        assertThatThrownBy(() -> read(ok("Content-Type: text/plain\r\nContent-Length: 500\r\n", POLICY)))
                .isInstanceOf(IOException.class).hasMessageContaining("of 500 octets");
    }
}
