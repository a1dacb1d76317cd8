package dev.steward.relay.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code steward dev-config}: writes the development {@code relay.toml} that {@code make run} uses
 * (an unprivileged port, a queue inside the given directory; {@code --app-domain} may repeat, and
 * {@code --dkim-key-file} turns on signing with that key). An existing file is left as it is,
 * so local edits survive the next {@code make run}.
 */
final class DevConfig {

    private DevConfig() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String dir = null;
        String listen = "127.0.0.1:2525";
        java.util.List<String> appDomains = new java.util.ArrayList<>();
        String dkimKeyFile = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = args[i + 1];
                case "--listen" -> listen = args[i + 1];
                case "--app-domain" -> appDomains.add(args[i + 1]);
                case "--dkim-key-file" -> dkimKeyFile = args[i + 1];
                default -> {
                    err.println("steward dev-config: unknown option " + args[i]);
                    return StewardCli.EX_USAGE;
                }
            }
        }
        if (dir == null || args.length % 2 != 0) {
            err.println("usage: steward dev-config --dir DIR [--listen HOST:PORT] [--app-domain DOMAIN]..."
                    + " [--dkim-key-file FILE]");
            return StewardCli.EX_USAGE;
        }
        if (appDomains.isEmpty()) {
            appDomains.add("app.localhost.test");
        }
        Path directory = Path.of(dir).toAbsolutePath();
        Path file = directory.resolve("relay.toml");
        try {
            Files.createDirectories(directory);
            if (Files.exists(file)) {
                out.println("using existing " + file);
                return 0;
            }
            Files.writeString(file, """
                    # Development relay configuration written by `make run` (steward dev-config).
                    # Edit freely; it is not overwritten. Every key: bin/steward relay --print-default-config
                    [server]
                    hostname = "relay.localhost.test"

                    [intake]
                    listen = ["%s"]
                    app_domains = ["%s"]

                    [queue]
                    directory = "%s"
                    """.formatted(listen, String.join("\", \"", appDomains), directory.resolve("queue"))
                    + (dkimKeyFile == null ? "" : """

                    [dkim]
                    selector = "nexx"
                    key_file = "%s"
                    """.formatted(Path.of(dkimKeyFile).toAbsolutePath())));
            out.println("wrote " + file);
            return 0;
        } catch (IOException failure) {
            err.println("steward dev-config: cannot write " + file + ": " + failure.getMessage());
            return StewardCli.EX_IOERR;
        }
    }
}
