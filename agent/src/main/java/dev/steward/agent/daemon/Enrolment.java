package dev.steward.agent.daemon;

import dev.steward.common.config.ConfigException;
import dev.steward.mail.dkim.DkimKeys;
import dev.steward.relay.app.DkimConfig;
import dev.steward.relay.app.RelayConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;

/**
 * {@code steward agent enrol}: trades a one-time enrolment token for the agent's credential.
 *
 * <p>The DKIM key never leaves the server: when the relay's configuration names a key
 * ({@code [dkim] key_file}), its public half is sent; otherwise a new RSA-2048 key is made here
 * with the relay's own key code ({@link DkimKeys}), as {@code dkim_directory/nexx.APP_DOMAIN.key}
 * (mode 0600; an existing file of that name is used, never overwritten) beside its {@code .pub},
 * and the operator is told to set {@code [dkim] key_file}. Only the public key is sent. The
 * credential goes to {@code state_directory/credential.json} (mode 0600, atomically). An agent
 * that has a credential refuses to enrol again unless {@code --force} (enrolling revokes the
 * earlier credential at the control plane).
 *
 * <p>Thread safety: one call at a time.
 */
final class Enrolment {

    static final int EX_UNAVAILABLE = 69;
    static final int EX_NOPERM = 77;
    static final int EX_CANTCREAT = 73;

    private final AgentConfig config;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    Enrolment(AgentConfig config, PrintStream out, PrintStream err, Clock clock) {
        this.config = config;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    /** The selector and public key to register. */
    private record DkimPublic(String selector, PublicKey key) {
    }

    int run(String token, boolean force) throws InterruptedException {
        Path credentialFile = config.credentialFile();
        if (Files.exists(credentialFile) && !force) {
            err.println("steward agent enrol: already enrolled (" + credentialFile + " exists); enrolling again revokes "
                    + "the current credential: add --force to do it");
            return EX_CANTCREAT;
        }
        DkimPublic dkim;
        try {
            dkim = dkimKey();
        } catch (ConfigException invalid) {
            err.println("steward agent enrol: the relay's configuration " + config.relayConfig() + " is invalid:");
            invalid.problems().forEach(problem -> err.println("  " + problem.message()));
            return ConfigException.EX_CONFIG;
        } catch (IOException failure) {
            err.println("steward agent enrol: " + failure.getMessage());
            return EX_CANTCREAT;
        }
        ControlPlaneClient client = new ControlPlaneClient(config.controlUrl(), config.requestTimeout(), () -> null);
        ControlPlaneClient.Reply reply;
        try {
            reply = client.enrol(token.strip(), dkim.selector(), DkimKeys.publicKeyPem(dkim.key()));
        } catch (IOException unreachable) {
            err.println("steward agent enrol: cannot reach the control plane at " + config.controlUrl() + ": "
                    + unreachable);
            return EX_UNAVAILABLE;
        }
        if (reply.status() != 201 || reply.json() == null || !reply.json().path("credential").isTextual()) {
            err.println("steward agent enrol: refused by the control plane: " + reply.describe());
            return reply.status() == 403 ? EX_NOPERM : EX_UNAVAILABLE;
        }
        Credential credential = new Credential(reply.json().path("server_id").asLong(),
                reply.json().path("server_name").asText(""), reply.json().get("credential").asText(), clock.instant());
        try {
            credential.write(credentialFile);
        } catch (IOException failure) {
            err.println("steward agent enrol: enrolled, but cannot write " + credentialFile + ": " + failure
                    + " (the credential is lost; issue a new token and enrol again with --force)");
            return EX_CANTCREAT;
        }
        out.println("enrolled as server " + credential.serverId() + " (" + credential.serverName() + ") at "
                + config.controlUrl());
        out.println("sent the DKIM public key of selector \"" + dkim.selector() + "\" (the private key stays here); "
                + "DKIM record notice: " + reply.json().path("dkim_notice").asText("-"));
        out.println("wrote " + credentialFile + " (mode 0600; only this user can read it)");
        return 0;
    }

    private DkimPublic dkimKey() throws ConfigException, IOException {
        RelayConfig relay = RelayConfig.load(config.relayConfig());
        if (relay.dkim().enabled()) {
            DkimConfig.Key key = relay.dkim().keys().get(0);
            out.println("using the relay's DKIM key " + key.file() + " (selector \"" + key.selector() + "\")");
            return new DkimPublic(key.selector(), DkimKeys.publicKey(key.privateKey()));
        }
        String domain = relay.intake().appDomains().get(0).ascii();
        String selector = DkimConfig.DEFAULT_SELECTOR;
        Path keyFile = config.dkimDirectory().resolve(selector + "." + domain + ".key");
        Path publicFile = config.dkimDirectory().resolve(selector + "." + domain + ".pub");
        KeyPair pair;
        if (Files.exists(keyFile)) {
            var privateKey = DkimKeys.readPrivateKeyPem(Files.readString(keyFile, StandardCharsets.US_ASCII));
            out.println("using the existing DKIM key " + keyFile);
            return new DkimPublic(selector, DkimKeys.publicKey(privateKey));
        }
        pair = DkimKeys.generateRsa(DkimKeys.DEFAULT_RSA_BITS);
        Files.createDirectories(config.dkimDirectory());
        try {
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            throw new IOException(keyFile + " appeared while enrolling; run the command again", raced);
        }
        Files.writeString(keyFile, DkimKeys.privateKeyPem(pair.getPrivate()), StandardCharsets.US_ASCII,
                StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(publicFile, DkimKeys.publicKeyPem(pair.getPublic()), StandardCharsets.US_ASCII);
        out.println("wrote " + keyFile + " (a new DKIM key, mode 0600, PKCS#8 PEM) and " + publicFile);
        out.println("the relay does not sign yet: set in " + config.relayConfig() + ":");
        out.println("  [dkim]");
        out.println("  selector = \"" + selector + "\"");
        out.println("  key_file = \"" + keyFile.toAbsolutePath() + "\"");
        return new DkimPublic(selector, pair.getPublic());
    }
}
