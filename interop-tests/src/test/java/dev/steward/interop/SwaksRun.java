package dev.steward.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One swaks run against an SMTP server on 127.0.0.1, and the server replies read back from its
 * transcript ({@code <-  250 ...} for expected replies, {@code <** 553 ...} for failures).
 * Thread-safe (no state).
 */
final class SwaksRun {
    private static final Pattern SERVER_LINE = Pattern.compile("^<[-~*]{1,2}\\s+(\\d{3})[ -](.*)$");
    private static final Pattern QUEUED_AS = Pattern.compile("\\bqueued as ([A-Za-z0-9._-]+)");

    /** One server reply line from the transcript. */
    record Reply(int code, String text) {
        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    /** The outcome: swaks' exit code, the server reply lines in order, and the whole transcript. */
    record Outcome(CommandRun.Result result, List<Reply> replies) {
        Optional<Reply> firstWithCode(int code) {
            return replies.stream().filter(r -> r.code() == code).findFirst();
        }

        /** The id in the last "250 ... queued as ID" reply. */
        Optional<String> queueId() {
            for (int i = replies.size() - 1; i >= 0; i--) {
                Matcher m = QUEUED_AS.matcher(replies.get(i).text());
                if (replies.get(i).code() == 250 && m.find()) {
                    return Optional.of(m.group(1));
                }
            }
            return Optional.empty();
        }

        String transcript() {
            return result.describe();
        }
    }

    private SwaksRun() {}

    /**
     * Sends {@code data} (the whole DATA section, CRLF or LF lines; swaks dot-stuffs and ends it)
     * from {@code from} to {@code recipients} over SMTP to 127.0.0.1:port. A final line break in
     * {@code data} is dropped before the file is written: swaks always sends CRLF "." CRLF after the
     * data, so a trailing line break would add an empty line to the body.
     */
    static Outcome send(Path workDir, String label, int port, String from, List<String> recipients, String data,
            String... extraArgs) {
        Path dataFile = workDir.resolve(label + ".eml");
        try {
            String unterminated = data.endsWith("\r\n") ? data.substring(0, data.length() - 2)
                    : data.endsWith("\n") ? data.substring(0, data.length() - 1) : data;
            Files.writeString(dataFile, unterminated, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(InteropPaths.SWAKS.toString(),
                "--server", "127.0.0.1", "--port", Integer.toString(port),
                "--helo", "client.example.test",
                "--from", from, "--to", String.join(",", recipients),
                "--data", "@" + dataFile,
                "--timeout", "20"));
        command.addAll(List.of(extraArgs));
        return parse(CommandRun.run(command, workDir, label, Duration.ofSeconds(60)));
    }

    static Outcome parse(CommandRun.Result result) {
        List<Reply> replies = new ArrayList<>();
        for (String line : (result.stdout() + "\n" + result.stderr()).split("\r?\n")) {
            Matcher m = SERVER_LINE.matcher(line);
            if (m.matches()) {
                replies.add(new Reply(Integer.parseInt(m.group(1)), m.group(2)));
            }
        }
        return new Outcome(result, List.copyOf(replies));
    }
}
