package dev.steward.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link RecordingSmtpServer} saw on one connection: the transcript ({@code C: } lines from
 * the client, {@code S: } reply lines, {@code -- } notes such as TLS or a scripted hang-up), and
 * the client's commands grouped by the read that brought them, which shows pipelining: a
 * pipelined transaction arrives as one group {@code [MAIL..., RCPT..., DATA]}. DATA content also
 * ends a group, so a QUIT pipelined after the end-of-data line starts a new one.
 *
 * <p>Thread safety: thread-safe; the connection's thread appends while tests read snapshots.
 * Read after {@link RecordingSmtpServer#awaitNoOpenConnections} to see the whole conversation.
 */
public final class RecordedConnection {

    private final int index;
    private final List<String> transcript = new ArrayList<>();           // guarded by this
    private final List<List<String>> batches = new ArrayList<>();        // guarded by this
    private String tlsProtocol;                                           // guarded by this
    private boolean open = true;                                          // guarded by this

    RecordedConnection(int index) {
        this.index = index;
    }

    /** The connection's index, from 0, in accept order. */
    public int index() {
        return index;
    }

    /** A copy of the transcript so far. */
    public synchronized List<String> transcript() {
        return List.copyOf(transcript);
    }

    /** The client's command lines, grouped by the read that delivered them; a copy. */
    public synchronized List<List<String>> commandBatches() {
        List<List<String>> copy = new ArrayList<>(batches.size());
        for (List<String> batch : batches) {
            copy.add(List.copyOf(batch));
        }
        return copy;
    }

    /** The client's command lines in order (verbs and arguments as sent); a copy. */
    public synchronized List<String> commands() {
        List<String> all = new ArrayList<>();
        batches.forEach(all::addAll);
        return all;
    }

    /** The negotiated TLS protocol, or null while plaintext. */
    public synchronized String tlsProtocol() {
        return tlsProtocol;
    }

    /** Whether the server still holds the connection open. */
    public synchronized boolean isOpen() {
        return open;
    }

    synchronized void client(String line, boolean newBatch) {
        transcript.add("C: " + line);
        if (newBatch || batches.isEmpty()) {
            batches.add(new ArrayList<>());
        }
        batches.get(batches.size() - 1).add(line);
    }

    synchronized void server(String line) {
        transcript.add("S: " + line);
    }

    synchronized void note(String note) {
        transcript.add("-- " + note);
    }

    synchronized void tls(String protocol) {
        this.tlsProtocol = protocol;
        transcript.add("-- TLS " + protocol);
    }

    synchronized void closed() {
        open = false;
    }
}
