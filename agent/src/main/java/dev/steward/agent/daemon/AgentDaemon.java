package dev.steward.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.agent.app.AppRecipe;
import dev.steward.agent.app.AppRecipes;
import dev.steward.agent.app.ApplicationUpdateExecutor;
import dev.steward.agent.app.VersionReading;
import dev.steward.agent.bench.BenchmarkConfig;
import dev.steward.agent.bench.BenchmarkExecutor;
import dev.steward.agent.os.AptOsUpdateExecutor;
import dev.steward.agent.os.OsUpdateResult;
import dev.steward.common.config.ConfigException;
import dev.steward.common.text.LogLine;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's loops, beside the relay in the same process: the heartbeat (and the credential's
 * rotation), the job loop (long poll, "started", run, result into the spool) and the reporter (the
 * spool to the control plane, with bounded backoff). Each runs on a thread of its own and catches
 * everything: nothing the control plane does or fails to do stops another loop, and nothing here
 * touches the relay, which only lends its read-only status to the heartbeat.
 *
 * <p>Not enrolled (no credential file): the loops wait and read the file again every heartbeat
 * interval, so {@code steward agent enrol} works while the daemon runs.
 *
 * <p>Lifecycle: {@link #start} once, then {@link #close}. Thread safety: start/close from one
 * thread; the loops are internal.
 */
public final class AgentDaemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);
    /** The reporter's first pause after a failure; doubled per failure up to {@link #MAX_BACKOFF}. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final AgentConfig config;
    private final RelayStatus relay;
    private final HostFacts host;
    private final AptOsUpdateExecutor os;
    private final Clock clock;
    private final ControlPlaneClient client;
    private final AtomicReference<Credential> credential = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition(); // the reporter: new result, or stopping
    private final Condition stop = lock.newCondition();  // the other loops' pauses
    private boolean reportWanted;                         // guarded by lock
    private volatile boolean stopping;
    private boolean notEnrolledLogged; // the heartbeat thread's only
    private ResultSpool spool;
    private JobRunner runner;
    private Thread heartbeatThread;
    private Thread jobThread;
    private Thread reporterThread;

    /**
     * @param relay the relay's status for heartbeats; {@link #NO_RELAY} when none runs here
     * @param os the OS-update executor (its state directory holds a pending reboot)
     */
    public AgentDaemon(AgentConfig config, RelayStatus relay, HostFacts host, AptOsUpdateExecutor os, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.relay = Objects.requireNonNull(relay, "relay");
        this.host = Objects.requireNonNull(host, "host");
        this.os = Objects.requireNonNull(os, "os");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.client = new ControlPlaneClient(config.controlUrl(), config.requestTimeout(),
                () -> Optional.ofNullable(credential.get()).map(Credential::credential).orElse(null));
    }

    /** A relay status of zeros, for an agent without a relay in its process (tests). */
    public static final RelayStatus NO_RELAY = new RelayStatus() {
        @Override
        public int active() {
            return 0;
        }

        @Override
        public int deferred() {
            return 0;
        }

        @Override
        public int held() {
            return 0;
        }

        @Override
        public long delivered() {
            return 0;
        }

        @Override
        public long bounced() {
            return 0;
        }

        @Override
        public long freeDiskBytes() {
            return 0;
        }
    };

    /**
     * Opens the spool, completes an OS update whose reboot was pending (its final result goes into
     * the spool), reads the credential and starts the three loops.
     *
     * @throws IOException when the state directory cannot be created or the spool not opened
     */
    public void start() throws IOException {
        Files.createDirectories(config.stateDirectory());
        spool = new ResultSpool(config.spoolDirectory());
        runner = new JobRunner(config.recipesDirectory(), config.appScratchDirectory(), os,
                new BenchmarkExecutor(BenchmarkConfig.defaults(), clock), clock, config.osUpdates());
        try {
            Optional<OsUpdateResult> resumed = os.resumeAfterReboot();
            if (resumed.isPresent()) {
                OsUpdateResult result = resumed.get();
                spool.put(result.details().jobId(), "os_update", JobRunner.osResult(result), clock.instant());
                LOG.info(LogLine.of("agent_resumed_after_reboot").field("job", result.details().jobId())
                        .field("status", result.status().wire()).field("kernel", result.details().kernelAfter()).toString());
            }
        } catch (RuntimeException resumeFailure) {
            LOG.error(LogLine.of("agent_resume_failed").field("error", resumeFailure.toString()).toString());
        }
        interruptedJob();
        reloadCredential();
        reporterThread = Thread.ofPlatform().name("agent-reporter").start(() -> loop(this::reporterLoop));
        heartbeatThread = Thread.ofPlatform().name("agent-heartbeat").start(() -> loop(this::heartbeatLoop));
        jobThread = Thread.ofPlatform().name("agent-jobs").start(() -> loop(this::jobLoop));
        LOG.info(LogLine.of("agent_started").field("control", config.controlUrl())
                .field("enrolled", credential.get() != null)
                .field("server", Optional.ofNullable(credential.get()).map(Credential::serverName).orElse("-"))
                .field("pending_results", spool.pending().size()).toString());
    }

    /**
     * A job that was running when the agent stopped (crash, restart, kill) and left no result: the
     * control plane never hands a started job out again, so it is reported failed now, with what is
     * known. Not for an OS update waiting for its reboot: {@code resumeAfterReboot} completed that one.
     */
    private void interruptedJob() throws IOException {
        java.nio.file.Path marker = runningMarker();
        if (!Files.exists(marker)) {
            return;
        }
        JsonNode running;
        try {
            running = ControlPlaneClient.JSON.readTree(Files.readString(marker));
        } catch (com.fasterxml.jackson.core.JsonProcessingException unreadable) {
            Files.delete(marker);
            return;
        }
        String id = running.path("id").asText("");
        if (!id.isEmpty() && !spool.contains(id) && !os.rebootPending()) {
            ObjectNode failed = JobRunner.failed("the agent stopped while the job ran (started "
                    + running.path("started_at").asText() + "); its commands were killed: check the server");
            ((ObjectNode) failed.get("details")).put("started", true).put("interrupted", true);
            spool.put(id, running.path("kind").asText(""), failed, clock.instant());
            LOG.warn(LogLine.of("agent_job_interrupted").field("job", id).field("kind", running.path("kind").asText())
                    .toString());
        }
        Files.delete(marker);
    }

    private java.nio.file.Path runningMarker() {
        return config.stateDirectory().resolve("running-job.json");
    }

    /** The spool (tests read it). */
    public ResultSpool spool() {
        return spool;
    }

    /** The credential in use, if enrolled. */
    public Optional<Credential> credential() {
        return Optional.ofNullable(credential.get());
    }

    /** Stops the loops: a running job's command is killed (its executor's interrupt handling). */
    @Override
    public void close() {
        stopping = true;
        lock.lock();
        try {
            wake.signalAll();
            stop.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread thread : new Thread[] {jobThread, heartbeatThread, reporterThread}) {
            if (thread != null) {
                thread.interrupt();
            }
        }
        for (Thread thread : new Thread[] {jobThread, heartbeatThread, reporterThread}) {
            if (thread != null) {
                try {
                    thread.join(Duration.ofSeconds(15));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        LOG.info(LogLine.of("agent_stopped").toString());
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step} until stopping; an exception is logged and the step runs again after a pause. */
    private void loop(Step step) {
        while (!stopping) {
            try {
                step.run();
            } catch (InterruptedException interrupted) {
                if (stopping) {
                    return;
                }
            } catch (Exception | Error unexpected) {
                if (stopping) {
                    return; // e.g. a file channel closed by the stop's interrupt
                }
                LOG.error(LogLine.of("agent_loop_failed").field("thread", Thread.currentThread().getName())
                        .field("error", unexpected.toString()).toString(), unexpected);
                pause(FIRST_BACKOFF);
            }
        }
    }

    /** Waits {@code duration} or until stopping; false when stopping. */
    private boolean pause(Duration duration) {
        lock.lock();
        try {
            long nanos = duration.toNanos();
            while (!stopping && nanos > 0) {
                nanos = stop.awaitNanos(nanos);
            }
            return !stopping;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    // ---- credential

    private void reloadCredential() {
        try {
            Optional<Credential> read = Credential.read(config.credentialFile());
            Credential before = credential.getAndSet(read.orElse(null));
            if (read.isPresent() && (before == null || !before.credential().equals(read.get().credential()))) {
                LOG.info(LogLine.of("agent_credential_loaded").field("server", read.get().serverName())
                        .field("server_id", read.get().serverId()).field("issued_at", read.get().issuedAt()).toString());
            }
        } catch (IOException invalid) {
            credential.set(null);
            LOG.error(LogLine.of("agent_credential_invalid").field("file", config.credentialFile())
                    .field("error", invalid.getMessage()).toString());
        }
    }

    /** A 401 answer: the credential was revoked (re-enrolled elsewhere?); read the file again. */
    private void credentialRefused(ControlPlaneClient.Reply reply) {
        LOG.error(LogLine.of("agent_credential_refused").field("reply", reply.describe())
                .field("hint", "enrol again: steward agent enrol --config FILE --token TOKEN --force").toString());
        reloadCredential();
    }

    // ---- heartbeat and rotation

    private void heartbeatLoop() throws InterruptedException {
        if (credential.get() == null) {
            reloadCredential();
        }
        Credential current = credential.get();
        if (current == null) {
            if (!notEnrolledLogged) { // once, not every interval; again after a credential came and went
                notEnrolledLogged = true;
                LOG.warn(LogLine.of("agent_not_enrolled").field("credential_file", config.credentialFile())
                        .field("hint", "steward agent enrol --config FILE --token TOKEN").toString());
            }
        } else {
            notEnrolledLogged = false;
            heartbeat();
            if (Duration.between(current.issuedAt(), clock.instant()).compareTo(config.rotateInterval()) >= 0) {
                rotate(current);
            }
        }
        if (!pause(config.heartbeatInterval())) {
            throw new InterruptedException("stopping");
        }
    }

    /** The heartbeat's body (the README's field list). */
    ObjectNode heartbeatBody() throws InterruptedException {
        ObjectNode body = ControlPlaneClient.JSON.createObjectNode();
        body.put("steward_version", HostFacts.STEWARD_VERSION);
        body.put("os", host.os());
        body.put("kernel", host.kernel());
        body.put("uptime_seconds", host.uptimeSeconds());
        body.put("installed_version", installedVersion());
        body.putObject("queue").put("active", relay.active()).put("deferred", relay.deferred()).put("held", relay.held());
        body.put("delivered_total", relay.delivered());
        body.put("bounced_total", relay.bounced());
        body.put("free_disk_bytes", relay.freeDiskBytes());
        return body;
    }

    /**
     * The application's installed version by its recipe's version command, when exactly one recipe
     * is installed (a server runs one application); else null.
     */
    private String installedVersion() throws InterruptedException {
        Map<String, AppRecipe> recipes;
        try {
            recipes = AppRecipes.load(config.recipesDirectory()).all();
        } catch (ConfigException invalid) {
            return null;
        }
        if (recipes.size() != 1) {
            return null;
        }
        try {
            Files.createDirectories(config.appScratchDirectory());
            VersionReading reading = new ApplicationUpdateExecutor(recipes.values().iterator().next(),
                    config.appScratchDirectory(), clock).installedVersion();
            return reading.version();
        } catch (IOException unwritable) {
            return null;
        }
    }

    private void heartbeat() throws InterruptedException {
        try {
            ControlPlaneClient.Reply reply = client.heartbeat(heartbeatBody());
            if (reply.status() == 401) {
                credentialRefused(reply);
            } else if (reply.status() != 200) {
                LOG.warn(LogLine.of("agent_heartbeat_refused").field("reply", reply.describe()).toString());
            } else {
                LOG.debug("heartbeat sent");
            }
        } catch (IOException unreachable) {
            LOG.warn(LogLine.of("agent_heartbeat_failed").field("control", config.controlUrl())
                    .field("error", unreachable.toString()).toString());
        }
    }

    private void rotate(Credential current) throws InterruptedException {
        try {
            ControlPlaneClient.Reply reply = client.rotate();
            if (reply.status() == 401) {
                credentialRefused(reply);
                return;
            }
            if (reply.status() != 200 || reply.json() == null || !reply.json().path("credential").isTextual()) {
                LOG.warn(LogLine.of("agent_rotation_refused").field("reply", reply.describe()).toString());
                return;
            }
            Credential rotated = new Credential(current.serverId(), current.serverName(),
                    reply.json().get("credential").asText(), clock.instant());
            credential.set(rotated); // the old one is revoked now, whatever happens to the file
            rotated.write(config.credentialFile());
            LOG.info(LogLine.of("agent_credential_rotated").field("server", current.serverName()).toString());
        } catch (IOException failure) {
            LOG.warn(LogLine.of("agent_rotation_failed").field("error", failure.toString()).toString());
        }
    }

    // ---- jobs

    private void jobLoop() throws InterruptedException, IOException {
        if (credential.get() == null) {
            pause(config.heartbeatInterval());
            return;
        }
        ControlPlaneClient.Reply reply;
        try {
            reply = client.next(config.pollWait());
        } catch (IOException unreachable) {
            LOG.warn(LogLine.of("agent_poll_failed").field("error", unreachable.toString()).toString());
            pause(config.heartbeatInterval().compareTo(Duration.ofSeconds(10)) < 0
                    ? config.heartbeatInterval() : Duration.ofSeconds(10));
            return;
        }
        switch (reply.status()) {
            case 200 -> handle(reply.json());
            case 204 -> {
            }
            case 401 -> {
                credentialRefused(reply);
                pause(config.heartbeatInterval());
            }
            default -> {
                LOG.warn(LogLine.of("agent_poll_refused").field("reply", reply.describe()).toString());
                pause(config.heartbeatInterval());
            }
        }
    }

    private void handle(JsonNode job) throws InterruptedException, IOException {
        String id = job.path("id").asText("");
        String kind = job.path("kind").asText("");
        if (spool.contains(id)) {
            LOG.info(LogLine.of("agent_job_already_done").field("job", id).field("kind", kind).toString());
            requestReport();
            return;
        }
        ControlPlaneClient.Reply started;
        try {
            started = client.progress(id, true, "started " + kind);
        } catch (IOException unreachable) {
            LOG.warn(LogLine.of("agent_job_not_started").field("job", id).field("error", unreachable.toString())
                    .field("note", "the job is handed out again when its lease runs out").toString());
            return;
        }
        if (started.status() != 200) {
            LOG.warn(LogLine.of("agent_job_not_started").field("job", id).field("reply", started.describe()).toString());
            return;
        }
        LOG.info(LogLine.of("agent_job_started").field("job", id).field("kind", kind)
                .field("attempt", job.path("attempt").asInt()).toString());
        Instant begun = clock.instant();
        AtomicFiles.write(runningMarker(), ControlPlaneClient.JSON.createObjectNode().put("id", id).put("kind", kind)
                .put("started_at", begun.toString()).toString());
        Optional<ObjectNode> result = runner.run(job); // interrupted (stopping): the marker stays, see interruptedJob
        if (result.isEmpty()) {
            Files.deleteIfExists(runningMarker()); // rebooting: resumeAfterReboot completes the job
            LOG.info(LogLine.of("agent_job_rebooting").field("job", id)
                    .field("note", "the final result is reported after the reboot").toString());
            try {
                client.progress(id, false, "rebooting; the result follows after the restart");
            } catch (IOException unreachable) {
                LOG.debug("progress before reboot not sent: {}", unreachable.toString());
            }
            return;
        }
        try {
            spool.put(id, kind, result.get(), clock.instant());
        } catch (IOException unwritable) {
            // Disk full or the state directory gone: the result is not durable; try to hand it over now.
            LOG.error(LogLine.of("agent_spool_failed").field("job", id).field("error", unwritable.toString()).toString());
            try {
                ControlPlaneClient.Reply reply = client.result(id, result.get());
                LOG.info(LogLine.of("agent_result_reported").field("job", id).field("reply", reply.describe())
                        .field("note", "directly, without the spool").toString());
                if (reply.status() != 200) {
                    return; // the marker stays: reported as interrupted at the next start
                }
            } catch (IOException unreachable) {
                LOG.error(LogLine.of("agent_result_lost").field("job", id).field("error", unreachable.toString())
                        .field("note", "reported as interrupted at the next start").toString());
                return;
            }
        }
        Files.deleteIfExists(runningMarker());
        LOG.info(LogLine.of("agent_job_finished").field("job", id).field("kind", kind)
                .field("status", result.get().path("status").asText())
                .field("ms", Duration.between(begun, clock.instant()).toMillis()).toString());
        requestReport();
    }

    // ---- the reporter

    private void requestReport() {
        lock.lock();
        try {
            reportWanted = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Duration backoff = Duration.ZERO; // the reporter thread's only

    private void reporterLoop() throws InterruptedException, IOException {
        boolean allReported = credential.get() != null && flush();
        Duration wait;
        if (allReported) {
            backoff = Duration.ZERO;
            wait = Duration.ofMinutes(10); // only a new result (requestReport) has work for us
        } else {
            backoff = backoff.isZero() ? FIRST_BACKOFF : backoff.multipliedBy(2);
            if (backoff.compareTo(MAX_BACKOFF) > 0) {
                backoff = MAX_BACKOFF;
            }
            wait = credential.get() == null ? config.heartbeatInterval() : backoff;
        }
        lock.lock();
        try {
            long nanos = wait.toNanos();
            while (!stopping && !reportWanted && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
            reportWanted = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reports every spooled result, oldest first.
     *
     * @return true when the spool is empty afterwards (or holds only what the control plane refused
     *     for good, moved aside); false when the control plane could not be reached or answered with
     *     an error worth retrying
     */
    boolean flush() throws InterruptedException, IOException {
        for (ResultSpool.Pending pending : spool.pending()) {
            ControlPlaneClient.Reply reply;
            try {
                reply = client.result(pending.jobId(), pending.body());
            } catch (IOException unreachable) {
                LOG.warn(LogLine.of("agent_report_failed").field("job", pending.jobId())
                        .field("error", unreachable.toString()).field("retry_in", nextBackoff()).toString());
                return false;
            }
            String code = reply.code();
            if (reply.status() == 200) {
                spool.remove(pending.jobId());
                LOG.info(LogLine.of("agent_result_reported").field("job", pending.jobId())
                        .field("status", pending.status()).field("repeated", reply.json() != null
                                && reply.json().path("repeated").asBoolean()).toString());
            } else if (reply.status() == 409 && code.equals("job_already_finished") && reply.json() != null
                    && reply.json().path("details").path("state").asText().equals(pending.status())) {
                spool.remove(pending.jobId());
                LOG.info(LogLine.of("agent_result_reported").field("job", pending.jobId())
                        .field("status", pending.status()).field("note", "already finished with this outcome").toString());
            } else if (reply.status() == 409 || reply.status() == 404 || reply.status() == 400) {
                spool.reject(pending.jobId(), reply.describe());
            } else if (reply.status() == 401) {
                credentialRefused(reply);
                return false;
            } else {
                LOG.warn(LogLine.of("agent_report_refused").field("job", pending.jobId()).field("reply", reply.describe())
                        .field("retry_in", nextBackoff()).toString());
                return false;
            }
        }
        return true;
    }

    private Duration nextBackoff() {
        Duration next = backoff.isZero() ? FIRST_BACKOFF : backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    /** For tests: whether the loops run. */
    boolean running() {
        return reporterThread != null && reporterThread.isAlive() && !stopping;
    }
}
