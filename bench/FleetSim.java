// bench/FleetSim.java: the fleet simulation (issue 8, "Scale"): N lightweight simulated agents
// against a running control plane, run as a single-file program (java bench/FleetSim.java ...).
//
// Each agent does what the real agent daemon (agent/.../daemon/AgentDaemon.java) does when there
// is no work: a heartbeat every 30 s (POST /api/agent/v1/heartbeat with the daemon's body) and a
// job long poll held open (GET /api/agent/v1/jobs/next?wait=25), asked again as soon as it
// returns. The heartbeats of N agents are spread evenly over the 30 s (one every 30/N s, agent
// k mod N), so the rate is N/30 per second.
//
// Open loop: a heartbeat's latency runs from when it was DUE to its response, so a server (or a
// client) that falls behind shows up as latency instead of silently lowering the rate (no
// coordinated omission).
//
// Warm-up: --warmup s (default 60) with the first step's agents, not measured (a cold JVM's JIT
// compiling made the first seconds' heartbeats take seconds).
// Steps: the fleet grows to each N of --steps in turn (agents are added, never removed); each
// step has a ramp (--ramp s: the new agents open their polls, spread over it; not measured) and a
// measured window (--duration s). Per step one JSON line: heartbeats due in the window, their
// p50/p90/p99/max latency, errors (non-200 answers, failures, timeouts), polls answered, and the
// CPU the client (this JVM), the control plane (--server-pid) and PostgreSQL (every process
// named postgres) used, in cores. A step whose p99 exceeds --stop-p99-ms (or with more than 10 %
// errors) ends the run: larger fleets would only be slower.
//
// Bounds: every request has a timeout (--timeout; a poll: its wait plus --timeout), the run has a
// hard deadline (the steps' total plus 120 s), and waiting for a step's last answers is bounded.
//
// Usage: java bench/FleetSim.java --url http://127.0.0.1:18080 --credentials FILE
//        [--steps 1000,2500,5000] [--warmup 60] [--ramp 30] [--duration 60] [--interval 30] [--poll-wait 25]
//        [--timeout 10] [--server-pid PID] [--stop-p99-ms 5000] [--clients 8] [--histogram FILE]
// --histogram: the control plane's jcmd GC.class_histogram after the last step, agents still connected.
// FILE: "server_id credential" lines (BenchSeed agents writes it, mode 0600).

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

public class FleetSim {

    record Agent(int index, long serverId, String credential) {
    }

    /** One heartbeat's outcome: when it was due (ns since start), its latency, whether it failed. */
    record Sample(long dueNanos, long latencyNanos, String error) {
    }

    static final ConcurrentLinkedQueue<Sample> SAMPLES = new ConcurrentLinkedQueue<>();
    static final AtomicLong POLLS_ANSWERED = new AtomicLong();
    static final AtomicLong POLL_ERRORS = new AtomicLong();
    static final AtomicLong OPEN_POLLS = new AtomicLong();
    static final AtomicLong HEARTBEATS_SENT = new AtomicLong();
    static final AtomicLong IN_FLIGHT = new AtomicLong();
    static final Map<String, AtomicLong> ERROR_KINDS = new java.util.concurrent.ConcurrentHashMap<>();

    static volatile boolean stopping;

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parse(argv);
        URI base = URI.create(require(args, "url"));
        List<Agent> agents = readCredentials(Path.of(require(args, "credentials")));
        int[] steps = Arrays.stream(args.getOrDefault("steps", "1000,2500,5000,7500,10000,12500").split(","))
                .map(String::strip).mapToInt(Integer::parseInt).toArray();
        int ramp = Integer.parseInt(args.getOrDefault("ramp", "30"));
        int duration = Integer.parseInt(args.getOrDefault("duration", "60"));
        int warmup = Integer.parseInt(args.getOrDefault("warmup", "60"));
        double interval = Double.parseDouble(args.getOrDefault("interval", "30"));
        int pollWait = Integer.parseInt(args.getOrDefault("poll-wait", "25"));
        int timeout = Integer.parseInt(args.getOrDefault("timeout", "10"));
        long serverPid = Long.parseLong(args.getOrDefault("server-pid", "0"));
        double stopP99 = Double.parseDouble(args.getOrDefault("stop-p99-ms", "5000"));
        int clientCount = Integer.parseInt(args.getOrDefault("clients", "8"));
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] < 1 || steps[i] > agents.size() || (i > 0 && steps[i] <= steps[i - 1])) {
                fail("steps must be increasing, 1.." + agents.size() + " (the credentials file's agents): "
                        + Arrays.toString(steps));
            }
        }
        if (ramp < 1 || duration < 1 || warmup < 0 || interval <= 0 || pollWait < 0 || timeout < 1 || clientCount < 1) {
            fail("ramp, duration, interval, timeout and clients must be positive, poll-wait not negative");
        }
        long deadlineNanos = System.nanoTime()
                + TimeUnit.SECONDS.toNanos((long) steps.length * (ramp + duration + timeout + 2) + warmup + 120);
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            long left;
            while ((left = deadlineNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
            System.err.println("fleetsim: hard deadline reached, exiting");
            System.out.flush();
            Runtime.getRuntime().halt(3);
        });

        HttpClient[] clients = new HttpClient[clientCount];
        for (int i = 0; i < clientCount; i++) {
            clients[i] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(timeout))
                    .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        }
        Duration requestTimeout = Duration.ofSeconds(timeout);
        Duration pollTimeout = Duration.ofSeconds(pollWait + timeout);
        URI heartbeatUri = base.resolve("/api/agent/v1/heartbeat");
        URI pollUri = base.resolve("/api/agent/v1/jobs/next?wait=" + pollWait);
        ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("fleetsim-retry").factory());
        long start = System.nanoTime();

        // The heartbeat generator: one thread, open loop; k-th heartbeat of the run at its due time.
        int[] fleet = {0}; // agents active now (written by main, read by the generator)
        double[] period = {0}; // ns between heartbeats = interval / fleet
        Thread generator = Thread.ofPlatform().name("fleetsim-heartbeats").start(() -> {
            long next = System.nanoTime();
            long k = 0;
            while (!stopping) {
                int n;
                double gap;
                synchronized (fleet) {
                    n = fleet[0];
                    gap = period[0];
                }
                if (n == 0) {
                    LockSupport.parkNanos(1_000_000);
                    next = System.nanoTime();
                    continue;
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                Agent agent = agents.get((int) (k % n));
                long due = next;
                heartbeat(clients[agent.index() % clientCount], heartbeatUri, agent, due - start, due, requestTimeout);
                k++;
                next += (long) gap;
            }
        });

        System.err.printf(Locale.ROOT, "fleetsim: %d credentials, steps %s, ramp %d s, window %d s, heartbeat every %.0f s,"
                + " poll wait %d s%n", agents.size(), Arrays.toString(steps), ramp, duration, interval, pollWait);
        int active = 0;
        if (warmup > 0) {
            // Warm-up (not measured): the first step's fleet, so the JIT, the connection pool and
            // the database's caches are warm before the first window.
            long warmupStart = System.nanoTime();
            synchronized (fleet) {
                fleet[0] = steps[0];
                period[0] = interval * 1e9 / steps[0];
            }
            for (int i = 0; i < steps[0]; i++) {
                parkUntil(warmupStart + (long) (i * (Math.min(warmup, ramp) * 0.8e9 / steps[0])));
                Agent agent = agents.get(i);
                poll(clients[agent.index() % clientCount], pollUri, agent, pollTimeout, retry);
            }
            active = steps[0];
            parkUntil(warmupStart + TimeUnit.SECONDS.toNanos(warmup));
            System.err.printf(Locale.ROOT, "fleetsim: warmed up for %d s with %d agents%n", warmup, steps[0]);
        }
        for (int step : steps) {
            // Ramp: the new agents' polls, spread over the ramp; the heartbeat rate follows the fleet at once.
            long rampStart = System.nanoTime();
            int from = active;
            synchronized (fleet) {
                fleet[0] = step;
                period[0] = interval * 1e9 / step;
            }
            for (int i = from; i < step; i++) {
                long at = rampStart + (long) ((i - from) * (ramp * 0.8e9 / (step - from)));
                long wait = at - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                Agent agent = agents.get(i);
                poll(clients[agent.index() % clientCount], pollUri, agent, pollTimeout, retry);
            }
            active = step;
            parkUntil(rampStart + TimeUnit.SECONDS.toNanos(ramp));
            SAMPLES.clear();
            long polls0 = POLLS_ANSWERED.get();
            long pollErrors0 = POLL_ERRORS.get();
            ERROR_KINDS.clear();
            long clientCpu0 = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
            long serverCpu0 = cpuTicks(serverPid);
            long pgCpu0 = postgresTicks();
            long windowStart = System.nanoTime();
            long windowEnd = windowStart + TimeUnit.SECONDS.toNanos(duration);
            parkUntil(windowEnd);
            long clientCpu1 = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
            long serverCpu1 = cpuTicks(serverPid);
            long pgCpu1 = postgresTicks();
            long polls = POLLS_ANSWERED.get() - polls0;
            long pollErrors = POLL_ERRORS.get() - pollErrors0;
            // The window's heartbeats: wait (bounded) for the last ones to answer or time out.
            long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout + 2);
            List<Sample> window = new ArrayList<>();
            while (true) {
                window.clear();
                for (Sample s : SAMPLES) {
                    if (s.dueNanos() >= windowStart - start && s.dueNanos() < windowEnd - start) {
                        window.add(s);
                    }
                }
                if (window.size() >= expectedDue(windowStart, windowEnd, start) || System.nanoTime() > drainUntil) {
                    break;
                }
                LockSupport.parkNanos(100_000_000);
            }
            double seconds = duration;
            long[] ok = window.stream().filter(s -> s.error() == null).mapToLong(Sample::latencyNanos).sorted().toArray();
            long errors = window.stream().filter(s -> s.error() != null).count();
            Map<String, Long> errorKinds = new java.util.TreeMap<>();
            window.stream().filter(s -> s.error() != null).forEach(s -> errorKinds.merge(s.error(), 1L, Long::sum));
            snapshot().forEach((k, v) -> errorKinds.merge(k, v, Long::sum)); // the polls' errors
            long[] all = window.stream().mapToLong(Sample::latencyNanos).sorted().toArray();
            long expected = expectedDue(windowStart, windowEnd, start);
            long missing = Math.max(0, expected - window.size());
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("agents", step);
            line.put("window_s", duration);
            line.put("heartbeats", window.size());
            line.put("heartbeats_missing", missing);
            line.put("rate_per_s", round(window.size() / seconds));
            line.put("target_rate_per_s", round(step / interval));
            line.put("p50_ms", ms(percentile(all, 50)));
            line.put("p90_ms", ms(percentile(all, 90)));
            line.put("p99_ms", ms(percentile(all, 99)));
            line.put("p999_ms", ms(percentile(all, 99.9)));
            line.put("max_ms", ms(all.length == 0 ? -1 : all[all.length - 1]));
            line.put("ok_p99_ms", ms(percentile(ok, 99)));
            line.put("errors", errors);
            line.put("error_kinds", errorKinds);
            line.put("polls_answered_per_s", round(polls / seconds));
            line.put("poll_errors", pollErrors);
            line.put("open_polls", OPEN_POLLS.get());
            line.put("client_cpu_cores", clientCpu0 < 0 ? null : round((clientCpu1 - clientCpu0) / 1e9 / seconds));
            line.put("server_cpu_cores", serverCpu0 < 0 ? null : round((serverCpu1 - serverCpu0) / 100.0 / seconds));
            line.put("postgres_cpu_cores", pgCpu0 < 0 ? null : round((pgCpu1 - pgCpu0) / 100.0 / seconds));
            line.put("server_rss_mib", rssMib(serverPid));
            line.put("load_avg_1m", loadAverage());
            System.out.println(toJson(line));
            System.out.flush();
            System.err.println("fleetsim: " + toJson(line));
            double p99 = percentile(all, 99) / 1e6;
            if (p99 > stopP99 || errors + missing > window.size() / 10) {
                System.err.printf(Locale.ROOT, "fleetsim: stopping after %d agents (p99 %.0f ms, %d errors, %d missing)%n",
                        step, p99, errors, missing);
                break;
            }
        }
        String histogram = args.get("histogram");
        if (histogram != null && serverPid > 0) {
            // What the control plane's heap holds with the fleet still connected (jcmd runs a full GC first).
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(serverPid), "GC.class_histogram")
                    .redirectOutput(Path.of(histogram).toFile()).redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                System.err.println("fleetsim: jcmd GC.class_histogram took over 60 s; stopped");
            }
        }
        stopping = true;
        generator.join(5000);
        retry.shutdownNow();
        for (HttpClient client : clients) {
            client.shutdownNow();
        }
        watchdog.interrupt();
        System.exit(0);
    }

    /** The due times (ns since start) of the heartbeats sent, the newest 2,000,000. */
    static final ConcurrentLinkedQueue<Long> DUE = new ConcurrentLinkedQueue<>();

    /** How many heartbeats the generator sent that were due in the window (answered or not). */
    static long expectedDue(long windowStart, long windowEnd, long start) {
        long from = windowStart - start;
        long to = windowEnd - start;
        return DUE.stream().filter(d -> d >= from && d < to).count();
    }

    static void heartbeat(HttpClient client, URI uri, Agent agent, long dueSinceStart, long dueNanos, Duration timeout) {
        DUE.add(dueSinceStart);
        if (DUE.size() > 2_000_000) {
            DUE.poll();
        }
        HEARTBEATS_SENT.incrementAndGet();
        IN_FLIGHT.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + agent.credential())
                .header("Content-Type", "application/json")
                .header("User-Agent", "steward-agent/fleetsim")
                .POST(HttpRequest.BodyPublishers.ofString(body(agent, dueNanos))).build();
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
                long latency = System.nanoTime() - dueNanos;
                IN_FLIGHT.decrementAndGet();
                String error = failure != null ? kind(failure)
                        : response.statusCode() != 200 ? "status_" + response.statusCode() : null;
                SAMPLES.add(new Sample(dueSinceStart, latency, error));
            });
        } catch (RuntimeException failure) {
            IN_FLIGHT.decrementAndGet();
            SAMPLES.add(new Sample(dueSinceStart, System.nanoTime() - dueNanos, kind(failure)));
        }
    }

    /** What the agent daemon sends (AgentDaemon.heartbeatBody): the same fields, plausible values. */
    static String body(Agent agent, long nowNanos) {
        long uptime = 86_400L * 12 + agent.index() * 37L + nowNanos / 1_000_000_000L;
        return "{\"steward_version\":\"0.1.0\",\"os\":\"Debian GNU/Linux 13 (trixie)\",\"kernel\":\"6.12.48+deb13-amd64\","
                + "\"uptime_seconds\":" + uptime + ",\"installed_version\":\"1.0.0\","
                + "\"queue\":{\"active\":" + (agent.index() % 3) + ",\"deferred\":" + (agent.index() % 7 == 0 ? 2 : 0)
                + ",\"held\":0},\"delivered_total\":" + (1000 + agent.index() * 13L + nowNanos / 10_000_000_000L)
                + ",\"bounced_total\":" + (agent.index() % 11) + ",\"free_disk_bytes\":" + (21_474_836_480L - agent.index() * 4096L)
                + "}";
    }

    static void poll(HttpClient client, URI uri, Agent agent, Duration timeout, ScheduledExecutorService retry) {
        if (stopping) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + agent.credential())
                .header("User-Agent", "steward-agent/fleetsim").GET().build();
        OPEN_POLLS.incrementAndGet();
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                OPEN_POLLS.decrementAndGet();
                if (failure == null && (response.statusCode() == 204 || response.statusCode() == 200)) {
                    POLLS_ANSWERED.incrementAndGet();
                    poll(client, uri, agent, timeout, retry);
                } else {
                    POLL_ERRORS.incrementAndGet();
                    countError("poll_" + (failure != null ? kind(failure) : "status_" + response.statusCode()));
                    // As the daemon: a pause before asking again after a failure.
                    retry.schedule(() -> poll(client, uri, agent, timeout, retry), 5, TimeUnit.SECONDS);
                }
            });
        } catch (RuntimeException failure) {
            OPEN_POLLS.decrementAndGet();
            POLL_ERRORS.incrementAndGet();
            countError("poll_" + kind(failure));
        }
    }

    /** The failure's kind: the exception's class, unwrapped from CompletionException. */
    static String kind(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }

    static void countError(String kind) {
        ERROR_KINDS.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    static Map<String, Long> snapshot() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        ERROR_KINDS.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    static void parkUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static Object ms(long nanos) {
        return nanos < 0 ? null : round(nanos / 1e6);
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** utime + stime of a process in clock ticks (100/s on Linux), or -1. */
    static long cpuTicks(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /** CPU ticks of every process named postgres (the server and its backends). */
    static long postgresTicks() {
        long total = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.equals("postgres")) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        total += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException | RuntimeException gone) {
                    // a process that ended meanwhile
                }
            }
        } catch (IOException unreadable) {
            return -1;
        }
        return total;
    }

    static Object rssMib(long pid) {
        if (pid <= 0) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
                }
            }
        } catch (IOException | RuntimeException gone) {
            return null;
        }
        return null;
    }

    static Object loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    static List<Agent> readCredentials(Path file) throws IOException {
        List<Agent> agents = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.strip().split(" ");
            if (parts.length != 2) {
                fail(file + ": expected 'server_id credential' lines, got: " + line.length() + " characters");
            }
            agents.add(new Agent(agents.size(), Long.parseLong(parts[0]), parts[1]));
        }
        if (agents.isEmpty()) {
            fail(file + ": no credentials");
        }
        return agents;
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                fail("usage: java bench/FleetSim.java --url URL --credentials FILE [--steps N,N,...] [--warmup S] [--ramp S]"
                        + " [--duration S] [--interval S] [--poll-wait S] [--timeout S] [--server-pid PID]"
                        + " [--stop-p99-ms MS] [--clients N] [--histogram FILE]");
            }
            args.put(argv[i].substring(2), argv[++i]);
        }
        return args;
    }

    static String require(Map<String, String> args, String name) {
        String value = args.get(name);
        if (value == null) {
            fail("--" + name + " is required");
        }
        return value;
    }

    static void fail(String message) {
        System.err.println("fleetsim: " + message);
        System.exit(64);
    }

    static String toJson(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (out.length() > 1) {
                    out.append(", ");
                }
                out.append('"').append(e.getKey()).append("\": ").append(toJson(e.getValue()));
            }
            return out.append('}').toString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return '"' + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
