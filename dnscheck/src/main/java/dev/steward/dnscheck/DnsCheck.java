package dev.steward.dnscheck;

import dev.steward.mail.dns.Resolver;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs the whole customer DNS check (DNS-1 … DNS-4) for one app host and returns the findings; the
 * entry point of this library. It prints nothing.
 *
 * <p><b>Strategy.</b> First the server's addresses are determined (given, or resolved from its
 * name). Then the checks run concurrently, one virtual thread each: address records, SPF, DKIM,
 * DMARC, reverse DNS. Their findings are collected in that fixed order. Every DNS question goes
 * through a {@link DeadlineResolver}: whatever the resolver does, {@link #run} returns within about
 * the deadline, and lookups cut off by it become UNCHECKED findings that name them.
 *
 * <p><b>Failure handling.</b> A temporary DNS failure never reads as "record missing": the finding
 * is {@link Severity#UNCHECKED} and lists the failed lookups. An unexpected exception inside a check
 * (a bug) is not caught here: it propagates, so it cannot be mistaken for a verdict.
 *
 * <p>Thread safety: thread-safe; one instance can run many checks at once.
 */
public final class DnsCheck {

    /** The default budget for all lookups together; the command adds JVM start-up and stays under 10 s. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(8);

    private final Resolver resolver;
    private final Duration deadline;
    private final Clock clock;

    /** A check that asks {@code resolver} and gives up on lookups after {@code deadline} in all. */
    public DnsCheck(Resolver resolver, Duration deadline) {
        this(resolver, deadline, Clock.systemUTC());
    }

    DnsCheck(Resolver resolver, Duration deadline, Clock clock) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("the deadline must be positive, not " + deadline);
        }
    }

    /** Runs every check for {@code request}. */
    public DnsReport run(DnsCheckRequest request) {
        Resolver bounded = new DeadlineResolver(resolver, clock, deadline);
        ServerAddresses server = ServerAddresses.determine(request, bounded);
        String appHost = request.appHost().ascii();
        List<Callable<List<Finding>>> checks = List.of(
                () -> new AddressCheck(bounded).check(appHost, server),
                () -> new SpfCheck(bounded).check(request.appHost(), server),
                () -> new DkimCheck(bounded).check(request.appHost(), request.selector(), request.dkimPublicKey()),
                () -> new DmarcCheck(bounded).check(request.appHost()),
                () -> new ReverseDnsCheck(bounded).check(server));
        List<CompletableFuture<List<Finding>>> running = new ArrayList<>();
        for (Callable<List<Finding>> check : checks) {
            CompletableFuture<List<Finding>> result = new CompletableFuture<>();
            Thread.ofVirtual().name("dnscheck").start(() -> {
                try {
                    result.complete(check.call());
                } catch (Exception | Error bug) {
                    result.completeExceptionally(bug);
                }
            });
            running.add(result);
        }
        List<Finding> findings = new ArrayList<>(server.findings());
        for (CompletableFuture<List<Finding>> result : running) {
            findings.addAll(await(result));
        }
        return new DnsReport(request.appHost(), request.serverName(), server.ipv4(), server.ipv6(), request.selector(),
                findings);
    }

    private static List<Finding> await(CompletableFuture<List<Finding>> result) {
        try {
            // Each lookup is bounded by the deadline, so each check ends soon after it.
            return result.get();
        } catch (ExecutionException bug) {
            Throwable cause = bug.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the DNS checks", interrupted);
        }
    }
}
