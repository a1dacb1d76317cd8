package dev.steward.relay.admin;

import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueId;
import dev.steward.relay.queue.QueueOperations;
import dev.steward.relay.queue.QueueStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * {@code bin/steward queue list|show ID|flush [ID]|delete ID|delete ALL|hold ID|release ID}: asks the running
 * relay over its admin socket ({@link AdminServer}); when no relay runs on the queue, works on the
 * queue directory directly (taking the queue lock, as the relay would). Exit codes: 0 done,
 * 1 no such message, 64 usage, 74 queue unreadable, 75 the relay runs but does not answer.
 *
 * <p>Thread safety: stateless.
 */
public final class QueueCommand {

    static final int NOT_FOUND = 1;
    static final int EX_USAGE = 64;
    static final int EX_IOERR = 74;
    static final int EX_TEMPFAIL = 75;

    private QueueCommand() {
    }

    /** {@code args}: the verb and its argument, already without {@code --config}. */
    public static int run(List<String> args, Path queueDirectory, boolean json, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("steward queue: which action? list, show ID, flush [ID], delete ID|ALL, hold ID, release ID");
            return EX_USAGE;
        }
        String verb = args.get(0);
        boolean needsId = List.of("show", "delete", "hold", "release").contains(verb);
        boolean known = needsId || verb.equals("list") || verb.equals("flush");
        if (!known || (needsId && args.size() != 2) || args.size() > 2 || (verb.equals("list") && args.size() != 1)) {
            err.println("steward queue: usage: queue list | show ID | flush [ID] | delete ID|ALL | hold ID | release ID");
            return EX_USAGE;
        }
        boolean all = verb.equals("delete") && args.get(1).equals(AdminServer.ALL);
        Optional<QueueId> id = Optional.empty();
        if (args.size() == 2 && !all) {
            try {
                id = Optional.of(QueueId.parse(args.get(1)));
            } catch (IllegalArgumentException bad) {
                err.println("steward queue: " + bad.getMessage());
                return EX_USAGE;
            }
        }
        if (!Files.isDirectory(queueDirectory)) {
            err.println("steward queue: queue directory " + queueDirectory + " does not exist (has the relay run yet?)");
            return EX_IOERR;
        }
        Path socket = queueDirectory.resolve(AdminServer.SOCKET);
        if (Files.exists(socket)) {
            try {
                return online(socket, verb, all ? Optional.of(AdminServer.ALL) : id.map(QueueId::value), json, out, err);
            } catch (IOException notAnswering) {
                // A socket file but nobody listening: a relay that was killed. Work offline below.
            }
        }
        try (QueueStore store = QueueStore.open(queueDirectory)) {
            if (all) {
                int deleted = QueueOperations.offline(store).deleteAll();
                out.println("delete: ok, " + deleted + " deleted (relay not running; applied to the queue directory)");
                return 0;
            }
            return offline(QueueOperations.offline(store), verb, id, json, out, err);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("in use by another process")) {
                err.println("steward queue: the relay holds the queue but does not answer on " + socket);
                return EX_TEMPFAIL;
            }
            err.println("steward queue: " + e.getMessage());
            return EX_IOERR;
        }
    }

    /** {@code argument}: a queue id, or {@link AdminServer#ALL} for {@code delete}. */
    private static int online(Path socket, String verb, Optional<String> argument, boolean json, PrintStream out,
            PrintStream err) throws IOException {
        String text = AdminServer.request(socket, verb + argument.map(value -> " " + value).orElse(""));
        int newline = text.indexOf('\n');
        String status = newline < 0 ? text : text.substring(0, newline);
        String payload = newline < 0 ? "" : text.substring(newline + 1);
        if (status.startsWith("error ")) {
            err.println("steward queue: " + status.substring(6));
            return status.contains("no such message") ? NOT_FOUND : EX_USAGE;
        }
        if (verb.equals("list") && !json) {
            // The relay answers JSON; render it as mailq text here.
            out.print(MailqFormatter.textFromJson(payload, ZoneId.systemDefault()));
        } else {
            out.print(payload);
        }
        if (!verb.equals("list") && !verb.equals("show")) {
            out.println(verb + ": ok");
        }
        return 0;
    }

    private static int offline(QueueOperations operations, String verb, Optional<QueueId> id, boolean json,
            PrintStream out, PrintStream err) throws IOException {
        MailqFormatter formatter = new MailqFormatter(ZoneId.systemDefault());
        switch (verb) {
            case "list" -> {
                List<QueueEntry> entries = operations.list();
                out.print(json ? formatter.renderJson(entries) + "\n" : formatter.render(entries));
                return 0;
            }
            case "show" -> {
                Optional<QueueOperations.Shown> shown = operations.show(id.orElseThrow());
                if (shown.isEmpty()) {
                    err.println("steward queue: no such message: " + id.get().value());
                    return NOT_FOUND;
                }
                out.print(formatter.render(List.of(shown.get().entry())) + "\n");
                out.write(shown.get().content());
                out.flush();
                return 0;
            }
            default -> {
                boolean done = switch (verb) {
                    case "flush" -> operations.flush(id);
                    case "delete" -> operations.delete(id.orElseThrow());
                    case "hold" -> operations.hold(id.orElseThrow());
                    default -> operations.release(id.orElseThrow());
                };
                if (!done) {
                    err.println("steward queue: no such message (or not in a state that allows " + verb + "): "
                            + id.map(QueueId::value).orElse("ALL"));
                    return NOT_FOUND;
                }
                out.println(verb + ": ok (relay not running; applied to the queue directory)");
                return 0;
            }
        }
    }
}
