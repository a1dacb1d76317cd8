package dev.steward.relay.delivery;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens the queued message's bytes (RFC 5322, CRLF, final): once per transmission, so an agent
 * that retries over another connection reads them again. The caller closes the stream.
 */
@FunctionalInterface
public interface MessageSource {

    InputStream open() throws IOException;
}
