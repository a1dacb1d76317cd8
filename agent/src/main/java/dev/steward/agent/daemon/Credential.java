package dev.steward.agent.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's credential for the job API, as kept in {@code state_directory/credential.json}
 * (mode 0600, owned by the agent's user; replaced atomically on rotation).
 *
 * <p>Thread safety: immutable.
 *
 * @param serverId the server the control plane enrolled this agent for
 * @param serverName its name
 * @param credential the bearer credential
 * @param issuedAt when it was issued (enrolment or the last rotation)
 */
public record Credential(long serverId, String serverName, String credential, Instant issuedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Credential {
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    /**
     * Reads the credential file.
     *
     * @return empty when there is none (not enrolled yet)
     * @throws IOException when it cannot be read, is not valid, or can be read by group or others
     */
    public static Optional<Credential> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IOException(file + " can be read or written by group or others; chmod 600 " + file
                    + " (it holds the agent's credential)");
        }
        JsonNode node;
        try {
            node = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException bad) {
            throw new IOException(file + " is not valid JSON: " + bad.getOriginalMessage(), bad);
        }
        if (node == null || !node.path("credential").isTextual() || !node.path("server_id").canConvertToLong()
                || !node.path("issued_at").isTextual()) {
            throw new IOException(file + " lacks credential, server_id or issued_at; enrol again with --force");
        }
        try {
            return Optional.of(new Credential(node.get("server_id").asLong(), node.path("server_name").asText(""),
                    node.get("credential").asText(), Instant.parse(node.get("issued_at").asText())));
        } catch (java.time.format.DateTimeParseException bad) {
            throw new IOException(file + ": issued_at is not an ISO instant: " + bad.getMessage(), bad);
        }
    }

    /** Writes this credential to {@code file}, atomically and with mode 0600. */
    public void write(Path file) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("server_id", serverId);
        node.put("server_name", serverName);
        node.put("credential", credential);
        node.put("issued_at", issuedAt.toString());
        AtomicFiles.write(file, node.toPrettyString() + "\n");
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "Credential[server " + serverId + " (" + serverName + "), issued " + issuedAt + "]";
    }
}
