package dev.steward.control.web.ui;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.ServerRegistration;
import dev.steward.control.web.ControlServer;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.auth.Authenticator;
import dev.steward.control.web.auth.PasswordHasher;
import dev.steward.mail.dns.DnsConfig;
import dev.steward.mail.dns.DnsjavaResolver;
import dev.steward.testkit.FakeDnsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A control plane on a free loopback port over a test database, its DNS page asking a
 * {@link FakeDnsServer}, with fixtures and a small browser: a cookie jar, no automatic redirects,
 * form posts.
 */
final class TestUi implements AutoCloseable {

    static final String DOMAIN = "hosting.example";
    static final String PASSWORD = "correct horse battery staple";
    static final Actor SETUP = Actor.system("test-setup");
    private static final AtomicInteger SEQUENCE = new AtomicInteger(500);
    static final PasswordHasher HASHER = new PasswordHasher(1024, 1, 1);

    final ApiDependencies deps;
    final ControlServer server;
    final FakeDnsServer dns;

    TestUi(Database database, FakeDnsServer dns) {
        this.dns = dns;
        deps = ApiDependencies.wire(database, HASHER, DOMAIN, false, Duration.ofHours(1), 5, Duration.ofMinutes(15));
        UiSettings settings = new UiSettings(new DnsjavaResolver(DnsConfig.of(List.of(dns.server()),
                Duration.ofSeconds(1), 1)), Duration.ofSeconds(5));
        server = new ControlServer(deps, settings).start("127.0.0.1", 0);
    }

    static int next() {
        return SEQUENCE.incrementAndGet();
    }

    Account operator() {
        return deps.admin().create(SETUP, "op" + next() + "@provider.example", Account.Role.OPERATOR, null, PASSWORD);
    }

    Customer customer(Language language) {
        int n = next();
        return deps.customers().create(SETUP, Customer.of("Customer " + n, List.of("it" + n + "@customer.example"),
                language));
    }

    Account customerAccount(long customerId) {
        return deps.admin().create(SETUP, "c" + next() + "@customer.example", Account.Role.CUSTOMER, customerId, PASSWORD);
    }

    Application application() {
        int n = next();
        return deps.applications().create(SETUP, new Application(0, "app" + n, "App " + n, VersionScheme.SEMVER, "1.0.0",
                Map.of(Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                        Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80))));
    }

    Server server(long customerId, long applicationId) {
        int n = next();
        ServerName name = ServerName.parse(String.format("cln%03d-prd-app%03d.%s", n, n, DOMAIN));
        return deps.servers().register(SETUP, new ServerRegistration(
                Server.register(name, customerId, applicationId, "app" + n + ".customer.example"),
                "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255), "2001:db8::" + Integer.toHexString(n)));
    }

    /** A server with the given app host and addresses (FakeDnsServer answers only .test names, RFC 5737/3849 ranges). */
    Server server(long customerId, long applicationId, String appHost, String ipv4, String ipv6) {
        int n = next();
        ServerName name = ServerName.parse(String.format("cln%03d-prd-app%03d.%s", n, n, DOMAIN));
        return deps.servers().register(SETUP, new ServerRegistration(
                Server.register(name, customerId, applicationId, appHost), ipv4, ipv6));
    }

    /** A browser: a cookie jar and no automatic redirects. */
    Browser browser() {
        return new Browser();
    }

    /** A browser already logged in as {@code login} (a session made directly, not through the form). */
    Browser loggedIn(Account account) {
        Browser browser = new Browser();
        Authenticator.Login login = deps.authenticator().login(account.login(), PASSWORD, "127.0.0.1");
        browser.cookies.put("steward_session", login.sessionId());
        browser.csrf = login.principal().csrfToken();
        return browser;
    }

    /** A response: status, body, and the Location header. */
    record Page(int status, String body, HttpResponse<String> raw) {
        String location() {
            return raw.headers().firstValue("Location").orElse(null);
        }

        /** The value of the hidden field {@code name}. */
        String field(String name) {
            Matcher matcher = Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(body);
            if (!matcher.find()) {
                throw new AssertionError("no field " + name + " in " + body);
            }
            return matcher.group(1);
        }
    }

    final class Browser {
        final Map<String, String> cookies = new LinkedHashMap<>();
        final Map<String, String> headers = new LinkedHashMap<>();
        String csrf; // the session's CSRF token, when logged in directly
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();

        Page get(String path) {
            return send("GET", path, null);
        }

        /** Posts a form; adds the session's CSRF token unless the fields name one (or null to omit it). */
        Page post(String path, Map<String, String> fields) {
            Map<String, String> form = new LinkedHashMap<>(fields);
            if (csrf != null && !form.containsKey("csrf_token")) {
                form.put("csrf_token", csrf);
            }
            form.values().removeIf(value -> value == null);
            return send("POST", path, form.entrySet().stream()
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&")));
        }

        Page send(String method, String path, String form) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, form == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(form));
            if (form != null) {
                request.header("Content-Type", "application/x-www-form-urlencoded");
            }
            if (!cookies.isEmpty()) {
                request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("; ")));
            }
            headers.forEach(request::header);
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                for (String cookie : response.headers().allValues("Set-Cookie")) {
                    String pair = cookie.substring(0, cookie.indexOf(';') < 0 ? cookie.length() : cookie.indexOf(';'));
                    String name = pair.substring(0, pair.indexOf('='));
                    String value = pair.substring(pair.indexOf('=') + 1);
                    if (value.isEmpty() || cookie.contains("Max-Age=0")) {
                        cookies.remove(name);
                    } else {
                        cookies.put(name, value);
                    }
                }
                return new Page(response.statusCode(), response.body(), response);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
