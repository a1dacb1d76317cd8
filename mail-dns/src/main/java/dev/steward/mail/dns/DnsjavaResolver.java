package dev.steward.mail.dns;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A {@link Resolver} that asks DNS servers directly through dnsjava's {@link SimpleResolver}, one
 * per configured server, with no cache.
 *
 * <p><b>Strategy.</b> Like the C library's stub resolver ({@code resolv.conf(5)}): for each of
 * {@link DnsConfig#attempts()} rounds, ask each server in turn, waiting up to
 * {@link DnsConfig#timeout()}; the first NOERROR or NXDOMAIN response is the answer. SERVFAIL,
 * REFUSED, any other RCODE, a timeout or a network error moves on to the next server. When every
 * try failed the answer is {@link DnsAnswer.TempFail} whose reason lists what each server did, e.g.
 * {@code "SERVFAIL from 192.0.2.53:53 (2 tries); timed out after 5s at 192.0.2.54:53 (2 tries)"}.
 * A UDP response with the TC bit is asked again over TCP by {@link SimpleResolver} itself
 * (RFC 7766 §5), within the same try and the same timeout.
 *
 * <p>We do not use dnsjava's {@code Lookup}: its cache, search list and hidden retries would make
 * the outcome depend on earlier questions, and it reports SERVFAIL and timeouts through the same
 * code ("try again") without the server or the reason. {@code ExtendedResolver} is not used either:
 * owning the loop keeps the retry semantics those of {@code resolv.conf} and lets the reason name
 * each server. The recursive resolver the servers point at does the caching.
 *
 * <p><b>Answers.</b> CNAME chains in the answer section are followed (at most
 * {@value ResponseReader#MAX_CNAME_HOPS} names); when the chain ends at a name the server gave no
 * data for, that name is asked for. Record data is validated: an MX exchange must be a host name
 * ({@link MxRecord}), an AAAA record must not hold an IPv4-mapped address. Malformed records are
 * dropped; if every record was malformed the answer is a {@link DnsAnswer.TempFail} naming the
 * problem. Responses must match the question (ID, name, type, class; dnsjava checks this, RFC 5452
 * §9.1).
 *
 * <p>Thread safety: thread-safe. The per-server {@link SimpleResolver}s are configured in the
 * constructor and never changed; dnsjava's socket clients are shared and thread-safe.
 */
public final class DnsjavaResolver implements Resolver {

    /** Where the C library asks when {@code resolv.conf} names no server. */
    private static final InetSocketAddress LOOPBACK_SERVER =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), DnsConfig.DEFAULT_PORT);

    private final List<InetSocketAddress> servers;
    private final List<SimpleResolver> transports;
    private final Duration timeout;
    private final int attempts;

    /**
     * Uses the servers of {@code config}, or when it lists none, those of the system
     * ({@code /etc/resolv.conf} through dnsjava's {@link ResolverConfig}, read once here), or when
     * the system lists none either, {@code 127.0.0.1:53}, as the C library does.
     */
    public DnsjavaResolver(DnsConfig config) {
        List<InetSocketAddress> chosen = config.servers();
        if (chosen.isEmpty()) {
            chosen = ResolverConfig.getCurrentConfig().servers();
        }
        if (chosen.isEmpty()) {
            chosen = List.of(LOOPBACK_SERVER);
        }
        this.servers = List.copyOf(chosen);
        this.timeout = config.timeout();
        this.attempts = config.attempts();
        List<SimpleResolver> built = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            SimpleResolver transport = new SimpleResolver(server);
            transport.setTimeout(timeout);
            built.add(transport);
        }
        this.transports = List.copyOf(built);
    }

    /** The servers this resolver asks, in order (after the system fallback was applied). */
    public List<InetSocketAddress> servers() {
        return servers;
    }

    @Override
    public DnsAnswer<MxRecord> mx(String name) {
        return resolve(name, Type.MX, ResponseReader::mx);
    }

    @Override
    public DnsAnswer<InetAddress> ipv4(String name) {
        return resolve(name, Type.A, ResponseReader::ipv4);
    }

    @Override
    public DnsAnswer<InetAddress> ipv6(String name) {
        return resolve(name, Type.AAAA, ResponseReader::ipv6);
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return resolve(name, Type.TXT, ResponseReader::txt);
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        Name question = ReverseMap.fromAddress(address);
        return ResponseReader.resolve(ResponseReader.text(question), question, Type.PTR, ResponseReader::ptr, this::ask);
    }

    @Override
    public DnsAnswer<String> cname(String name) {
        return resolve(name, Type.CNAME, ResponseReader::cname);
    }

    @Override
    public String toString() {
        List<String> shown = servers.stream().map(DnsConfig::format).toList();
        return "DnsjavaResolver" + shown + " timeout=" + DnsNames.describe(timeout) + " attempts=" + attempts;
    }

    private <T> DnsAnswer<T> resolve(String name, int type, ResponseReader.RecordData<T> data) {
        Name question = DnsNames.toQueryName(name);
        return ResponseReader.resolve(name, question, type, data, this::ask);
    }

    /** One question, asked in rounds over every server until one gives NOERROR or NXDOMAIN. */
    private ResponseReader.Reply ask(Name name, int type) {
        Map<String, Integer> failures = new LinkedHashMap<>(); // reason -> tries, in first-seen order
        for (int attempt = 1; attempt <= attempts; attempt++) {
            for (int i = 0; i < transports.size(); i++) {
                String server = DnsConfig.format(servers.get(i));
                // A fresh query, so a fresh random ID, for every try (RFC 5452 §9.2).
                Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
                CompletableFuture<Message> pending = transports.get(i).sendAsync(query).toCompletableFuture();
                String failure;
                try {
                    // Our own deadline, not only SimpleResolver's: dnsjava checks its timeouts on a
                    // selector tick of up to a second, so a 300 ms timeout would fire after ~1 s.
                    // The deadline covers the TCP retry of a truncated answer too.
                    Message response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    int rcode = response.getRcode();
                    if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                        return new ResponseReader.Reply.Answered(response);
                    }
                    failure = Rcode.string(rcode) + " from " + server;
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    pending.cancel(true);
                    return new ResponseReader.Reply.Failed("interrupted while asking " + server);
                } catch (TimeoutException guard) {
                    pending.cancel(true);
                    failure = "timed out after " + DnsNames.describe(timeout) + " at " + server;
                } catch (ExecutionException failed) {
                    failure = describe(failed.getCause(), server);
                }
                failures.merge(failure, 1, Integer::sum);
            }
        }
        List<String> reasons = new ArrayList<>();
        failures.forEach((reason, tries) -> reasons.add(reason + (tries > 1 ? " (" + tries + " tries)" : "")));
        return new ResponseReader.Reply.Failed(String.join("; ", reasons));
    }

    /** One line, no stack: {@code "timed out after 5s at 192.0.2.53:53"}, {@code "Connection refused asking ..."}. */
    private String describe(Throwable failure, String server) {
        if (failure instanceof SocketTimeoutException || failure instanceof TimeoutException) {
            return "timed out after " + DnsNames.describe(timeout) + " at " + server;
        }
        if (failure instanceof PortUnreachableException) {
            return "nothing listens at " + server + " (ICMP port unreachable)";
        }
        if (failure instanceof ConnectException) {
            return "connection refused by " + server;
        }
        String message = failure.getMessage();
        String what = failure instanceof IOException && message != null ? message
                : failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return what + " asking " + server;
    }
}
