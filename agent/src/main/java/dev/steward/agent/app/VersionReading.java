package dev.steward.agent.app;

/**
 * The installed version as the recipe's {@code version_command} printed it (first non-empty line,
 * trimmed, at most 128 characters), or why it could not be read.
 *
 * <p>Thread safety: immutable.
 *
 * @param version the version, or null
 * @param error   why there is no version, or null
 */
public record VersionReading(String version, String error) {
}
