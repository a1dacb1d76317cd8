package dev.steward.dnscheck;

import dev.steward.mail.dns.DnsAnswer;
import dev.steward.mail.dns.MxRecord;
import dev.steward.mail.dns.Resolver;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A {@link Resolver} that gives every question only the time left before one overall deadline, so
 * that a broken domain (or a resolver that never answers) cannot make the check hang: a question
 * still unanswered at the deadline, or asked after it, is a {@link DnsAnswer.TempFail} that says so.
 *
 * <p><b>Strategy.</b> Each question runs on its own virtual thread and the caller waits for it until
 * the deadline. A question that outlives the deadline is abandoned, not interrupted: its thread ends
 * when the underlying resolver gives up on its own (bounded by its {@code DnsConfig}), and its answer
 * is ignored.
 *
 * <p>Thread safety: thread-safe.
 */
final class DeadlineResolver implements Resolver {

    private final Resolver delegate;
    private final Clock clock;
    private final Instant deadline;
    private final Duration budget;

    DeadlineResolver(Resolver delegate, Clock clock, Duration budget) {
        this.delegate = delegate;
        this.clock = clock;
        this.budget = budget;
        this.deadline = clock.instant().plus(budget);
    }

    @Override
    public DnsAnswer<MxRecord> mx(String name) {
        return bounded(name, () -> delegate.mx(name));
    }

    @Override
    public DnsAnswer<InetAddress> ipv4(String name) {
        return bounded(name, () -> delegate.ipv4(name));
    }

    @Override
    public DnsAnswer<InetAddress> ipv6(String name) {
        return bounded(name, () -> delegate.ipv6(name));
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return bounded(name, () -> delegate.txt(name));
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return bounded(address.getHostAddress(), () -> delegate.ptr(address));
    }

    @Override
    public DnsAnswer<String> cname(String name) {
        return bounded(name, () -> delegate.cname(name));
    }

    private <T> DnsAnswer<T> bounded(String name, Supplier<DnsAnswer<T>> question) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            return new DnsAnswer.TempFail<>(name, "not asked: the check's " + seconds(budget) + " deadline had passed");
        }
        CompletableFuture<DnsAnswer<T>> answer = new CompletableFuture<>();
        Thread.ofVirtual().name("dnscheck-lookup").start(() -> {
            try {
                answer.complete(question.get());
            } catch (RuntimeException bug) {
                answer.completeExceptionally(bug);
            }
        });
        try {
            return answer.get(left.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException late) {
            return new DnsAnswer.TempFail<>(name, "no answer within the check's " + seconds(budget) + " deadline");
        } catch (ExecutionException failed) {
            // Unknown means temporary (STYLE B5.3): a resolver bug must not read as "record missing".
            return new DnsAnswer.TempFail<>(name, "lookup failed: " + failed.getCause());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return new DnsAnswer.TempFail<>(name, "interrupted");
        }
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
