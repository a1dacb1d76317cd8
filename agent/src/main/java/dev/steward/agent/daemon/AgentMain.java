package dev.steward.agent.daemon;

import dev.steward.agent.os.AptOsUpdateExecutor;
import dev.steward.agent.os.OsUpdateConfig;
import dev.steward.common.config.ConfigException;
import dev.steward.common.text.LogLine;
import dev.steward.relay.app.RelayConfig;
import dev.steward.relay.app.RelayMain;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/steward agent}: the per-server daemon, the relay and the agent in one process; with
 * {@code [agent] run_relay = false} the agent alone, beside a relay that runs as a service of its
 * own (the Debian package: the relay unprivileged, the agent as root for apt, dpkg and the reboot).
 *
 * <pre>
 * steward agent [--config FILE] [--check-config]          run the relay and the agent in the foreground
 * steward agent enrol [--config FILE] (--token TOKEN | --token-file FILE) [--force]
 *                                                          trade a one-time token for the credential
 * </pre>
 *
 * <p>The relay starts first and does not depend on the agent: an agent that cannot start (state
 * directory) or cannot reach the control plane only logs; the relay goes on accepting and
 * delivering mail. Exit codes follow sysexits.h: 64 usage, 78 config, 71 the relay cannot start.
 *
 * <p>Thread safety: the entry point runs once.
 */
public final class AgentMain {

    static final int EX_USAGE = 64;
    static final int EX_OSERR = 71;
    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

    private AgentMain() {
    }

    public static void main(String[] args) {
        String[] rest = args.length > 0 && args[0].equals("agent") ? Arrays.copyOfRange(args, 1, args.length) : args;
        int code = run(rest, System.out, System.err);
        boolean daemon = rest.length == 0 || !rest[0].equals("enrol") && !Arrays.asList(rest).contains("--check-config");
        if (code != 0 || !daemon) {
            System.exit(code); // the daemon returns 0 only from its shutdown hook: the JVM is exiting already
        }
    }

    /** Runs the command in {@code args} (without the leading {@code agent}); returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean enrol = args.length > 0 && args[0].equals("enrol");
        Path configFile = AgentConfig.DEFAULT_PATH;
        String token = null;
        boolean force = false;
        boolean checkOnly = false;
        for (int i = enrol ? 1 : 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "--token", "--token-file" -> {
                    if (i + 1 >= args.length) {
                        err.println("steward agent: " + args[i] + " needs a value");
                        return usage(err);
                    }
                    if (args[i].equals("--config")) {
                        configFile = Path.of(args[++i]);
                    } else if (args[i].equals("--token")) {
                        token = args[++i];
                    } else {
                        // A token on the command line shows in ps; a file (0600) does not.
                        Path tokenFile = Path.of(args[++i]);
                        try {
                            token = java.nio.file.Files.readString(tokenFile).strip();
                        } catch (java.io.IOException unreadable) {
                            err.println("steward agent enrol: cannot read " + tokenFile + ": " + unreadable.getMessage());
                            return ConfigException.EX_CONFIG;
                        }
                        if (token.isEmpty()) {
                            err.println("steward agent enrol: " + tokenFile + " is empty");
                            return ConfigException.EX_CONFIG;
                        }
                    }
                }
                case "--force" -> force = true;
                case "--check-config" -> checkOnly = true;
                case "help", "--help", "-h" -> {
                    usage(out);
                    return 0;
                }
                default -> {
                    err.println("steward agent: unknown argument \"" + args[i] + "\"");
                    return usage(err);
                }
            }
        }
        if (enrol != (token != null) || (!enrol && force) || (enrol && checkOnly)) {
            err.println(enrol ? "steward agent enrol: --token or --token-file is required"
                    : "steward agent: --token, --token-file and --force are for enrol");
            return usage(err);
        }
        AgentConfig config;
        RelayConfig relayConfig;
        try {
            config = AgentConfig.load(configFile);
        } catch (ConfigException invalid) {
            invalid.problems().forEach(problem -> err.println(problem.message()));
            return ConfigException.EX_CONFIG;
        }
        if (enrol) {
            if (!config.configured()) {
                err.println("steward agent enrol: set [control] url in " + configFile + " first");
                return ConfigException.EX_CONFIG;
            }
            try {
                return new Enrolment(config, out, err, Clock.systemUTC()).run(token, force);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return EX_OSERR;
            }
        }
        try {
            relayConfig = RelayConfig.load(config.relayConfig());
        } catch (ConfigException invalid) {
            invalid.problems().forEach(problem -> err.println(problem.message()));
            return ConfigException.EX_CONFIG;
        }
        if (!config.runRelay() && !config.configured()) {
            err.println("steward agent: " + configFile + " has run_relay = false and no [control] url: nothing to run"
                    + " (set [control] url, then enrol)");
            return ConfigException.EX_CONFIG;
        }
        if (checkOnly) {
            out.println(configFile + ": ok" + (config.runRelay() ? "" : " (the agent alone; the relay runs separately)"));
            out.println(config.relayConfig() + ": ok");
            return 0;
        }
        return config.runRelay() ? runForeground(config, relayConfig, err) : runAgentAlone(config, relayConfig, err);
    }

    /** {@code run_relay = false}: the agent without a relay; the heartbeat asks the relay's admin socket. */
    private static int runAgentAlone(AgentConfig config, RelayConfig relayConfig, PrintStream err) {
        AgentDaemon agent = start(config, RelayStatus.ofAdminSocket(relayConfig.queue().directory(), Clock.systemUTC()));
        if (agent == null) {
            err.println("steward agent: the agent cannot start (see the log)");
            return EX_OSERR;
        }
        return runUntilShutdown(agent::close);
    }

    private static int runForeground(AgentConfig config, RelayConfig relayConfig, PrintStream err) {
        Path relayFile = config.relayConfig();
        RelayMain relay = new RelayMain(relayConfig).reloadFrom(() -> RelayConfig.load(relayFile));
        try {
            relay.start();
        } catch (IOException startFailure) {
            LOG.error(LogLine.of("relay_start_failed").field("error", startFailure.getMessage()).toString());
            err.println("steward agent: the relay cannot start: " + startFailure.getMessage());
            return EX_OSERR;
        }
        AgentDaemon agent = start(config, relay, relayConfig);
        return runUntilShutdown(() -> {
            if (agent != null) {
                agent.close();
            }
            relay.close();
        });
    }

    /** Blocks until the JVM shuts down (SIGTERM), which runs {@code stop} first; returns 0. */
    private static int runUntilShutdown(Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            stopped.countDown();
        }, "agent-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Starts the agent beside {@code relay}, running in this process (see {@link #start(AgentConfig, RelayStatus)}). */
    static AgentDaemon start(AgentConfig config, RelayMain relay, RelayConfig relayConfig) {
        return start(config, RelayStatus.of(relay.metrics(), relayConfig.queue().directory()));
    }

    /**
     * Starts the agent beside a running relay (in this process or its own); never throws: a
     * failure is logged and the relay runs alone.
     *
     * @return the agent, or null when it could not start
     */
    static AgentDaemon start(AgentConfig config, RelayStatus relayStatus) {
        if (!config.configured()) {
            LOG.warn(LogLine.of("agent_not_configured").field("note", "no [control] url: the relay runs alone")
                    .toString());
            return null;
        }
        try {
            AgentDaemon agent = new AgentDaemon(config, relayStatus, HostFacts.system(), new AptOsUpdateExecutor(OsUpdateConfig.builder(config.osStateDirectory()).build(),
                    Clock.systemUTC()), Clock.systemUTC());
            agent.start();
            return agent;
        } catch (IOException | RuntimeException failure) {
            LOG.error(LogLine.of("agent_start_failed").field("error", failure.toString())
                    .field("note", "the relay runs without the agent").toString(), failure);
            return null;
        }
    }

    private static int usage(PrintStream stream) {
        stream.println("""
                usage:
                  steward agent [--config FILE] [--check-config]   run the relay and the agent (default /etc/steward/agent.toml)
                  steward agent enrol [--config FILE] (--token TOKEN | --token-file FILE) [--force]
                                                                   enrol with a one-time token from the control plane""");
        return EX_USAGE;
    }
}
