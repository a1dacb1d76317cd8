package dev.steward.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.mail.dkim.DkimKeys;
import dev.steward.mail.dkim.DkimResult;
import dev.steward.mail.dkim.DkimSigner;
import dev.steward.mail.dkim.DkimVerifier;
import dev.steward.mail.dkim.KeyRecordSource;
import dev.steward.mail.model.DomainName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.EdECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DKIM against dkimpy (Debian python3-dkim), both ways: our signatures verify in dkimpy, and
 * dkimpy's signatures verify in our verifier, for rsa-sha256 and ed25519-sha256. The key records
 * are served to dkimpy through its dnsfunc hook ({@code dkim_peer.py}), so no DNS is involved.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DkimpyInteropIT {

    private static final DomainName DOMAIN = DomainName.parse("app.interop.test");
    private static final String SELECTOR = "nexx";
    private static final KeyPair RSA = DkimKeys.generateRsa();
    private static final KeyPair ED25519 = DkimKeys.generateEd25519();

    /** Folded fields, odd spacing, a UTF-8 subject (RFC 6532), a body with trailing blank lines. */
    private static final byte[] MESSAGE = ("From: \"App\" <app@app.interop.test>\r\n"
            + "To: user@example.test,\r\n\tother@example.test\r\n"
            + "Subject:  Caf\u00e9   \u2603 status\r\n"
            + "Date: Mon, 2 Mar 2026 10:00:00 +0100\r\n"
            + "Message-ID: <1@app.interop.test>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "\r\n"
            + "Hello  \t there\r\n\r\nline three\r\n\r\n\r\n").getBytes(StandardCharsets.UTF_8);

    private static KeyPair keys(String algorithm) {
        return algorithm.equals("rsa-sha256") ? RSA : ED25519;
    }

    private static Path script(Path workDir) {
        Path script = workDir.resolve("dkim_peer.py");
        try (InputStream in = DkimpyInteropIT.class.getResourceAsStream("dkim_peer.py")) {
            Files.write(script, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return script;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-sha256", "ed25519-sha256"})
    void dkimpyVerifiesOurSignature(String algorithm) throws IOException {
        Path work = InteropPaths.newWorkDir("dkimpy-verify-" + algorithm);
        KeyPair keys = keys(algorithm);
        String field = new DkimSigner(DOMAIN, SELECTOR, keys.getPrivate(), Clock.systemUTC()).sign(MESSAGE);
        Path message = work.resolve("signed.eml");
        Files.write(message, concat(field.getBytes(StandardCharsets.US_ASCII), MESSAGE));
        Path records = work.resolve("records.json");
        new ObjectMapper().writeValue(records.toFile(), Map.of(SELECTOR + "._domainkey." + DOMAIN.ascii(),
                DkimKeys.txtRecord(DOMAIN, SELECTOR, keys.getPublic()).value()));

        CommandRun.Result result = CommandRun.run(List.of(InteropPaths.PYTHON3.toString(), script(work).toString(),
                "verify", message.toString(), records.toString()), work, "dkimpy-verify", Duration.ofSeconds(60));

        assertThat(result.exitCode()).as(result.describe() + "\n--- field ---\n" + field).isZero();
        assertThat(result.stdout().strip()).isEqualTo("pass");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-sha256", "ed25519-sha256"})
    void weVerifyDkimpysSignature(String algorithm) throws IOException {
        Path work = InteropPaths.newWorkDir("dkimpy-sign-" + algorithm);
        KeyPair keys = keys(algorithm);
        Path key = work.resolve("key");
        if (algorithm.equals("rsa-sha256")) {
            Files.writeString(key, DkimKeys.privateKeyPem(keys.getPrivate()));
        } else {
            byte[] seed = ((EdECPrivateKey) keys.getPrivate()).getBytes().orElseThrow();
            Files.writeString(key, Base64.getEncoder().encodeToString(seed));
        }
        Path message = work.resolve("unsigned.eml");
        Files.write(message, MESSAGE);

        CommandRun.Result result = CommandRun.run(List.of(InteropPaths.PYTHON3.toString(), script(work).toString(),
                "sign", message.toString(), key.toString(), SELECTOR, DOMAIN.ascii(), algorithm),
                work, "dkimpy-sign", Duration.ofSeconds(60));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout()).startsWith("DKIM-Signature:").contains("a=" + algorithm);

        KeyRecordSource records = KeyRecordSource.of(Map.of(SELECTOR + "._domainkey." + DOMAIN.ascii(),
                DkimKeys.txtRecord(DOMAIN, SELECTOR, keys.getPublic()).value()));
        List<DkimResult> results = new DkimVerifier(records, Clock.systemUTC())
                .verify(concat(result.stdout().getBytes(StandardCharsets.US_ASCII), MESSAGE));

        assertThat(results).as(result.stdout()).singleElement().isInstanceOf(DkimResult.Pass.class);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] out = new byte[first.length + second.length];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        return out;
    }
}
