package dev.steward.control.web.ui;

import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.change.Decision;
import dev.steward.control.core.change.PackageChange;
import dev.steward.control.core.change.PackageChangeKind;
import dev.steward.control.core.change.PackageChangeRefusedException;
import dev.steward.control.core.change.PackageRules;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.store.BenchmarkRepository;
import dev.steward.control.store.Page;
import dev.steward.control.store.ServerQuery;
import dev.steward.control.web.api.Access;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.api.ApiException;
import dev.steward.control.web.auth.Principal;
import dev.steward.dnscheck.DnsReport;
import dev.steward.dnscheck.Finding;
import dev.steward.dnscheck.Severity;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The customer's pages: "my servers", and per server the mail setup (MAIL-1, MAIL-2), the live DNS
 * status (DNS-1..DNS-3) and the package page (PKG-2..PKG-5). An operator may open every server's
 * pages; a customer only their own: another customer's server is 404, the same as a missing one.
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class CustomerPageRoutes {

    private static final PackageRules RULES = new PackageRules();

    /** How many benchmark runs the package page lists. */
    private static final int BENCHMARK_RUNS = 20;

    private final ApiDependencies deps;
    private final Ui ui;
    private final DnsStatus dns;
    private final BenchmarkRepository benchmarks;

    private CustomerPageRoutes(ApiDependencies deps, Ui ui, UiSettings settings) {
        this.deps = deps;
        this.ui = ui;
        this.dns = new DnsStatus(settings);
        this.benchmarks = new BenchmarkRepository(deps.database());
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps, Ui ui, UiSettings settings) {
        CustomerPageRoutes handlers = new CustomerPageRoutes(deps, ui, settings);
        routes.get("/servers", handlers::servers);
        routes.get("/servers/{id}/mail", handlers::mail);
        routes.get("/servers/{id}/dns", handlers::dns);
        routes.get("/servers/{id}/package", handlers::packagePage);
        routes.post("/servers/{id}/package", handlers::requestChange);
    }

    private void servers(Context ctx) {
        Principal principal = Access.user(ctx);
        if (principal.isOperator()) {
            ctx.redirect("/operator/servers", HttpStatus.SEE_OTHER);
            return;
        }
        String cursor = ctx.queryParam("cursor");
        Page<Server> page = deps.servers().search(new ServerQuery(principal.customerId(), null, null, null,
                cursor == null || cursor.isBlank() ? null : cursor, 100));
        ui.render(ctx, "servers.jte", "rows", rows(page.items()), "nextCursor", page.nextCursor(), "total",
                page.total());
    }

    private List<UiViews.ServerRow> rows(List<Server> servers) {
        Map<Long, String> names = new LinkedHashMap<>();
        return servers.stream().map(server -> new UiViews.ServerRow(server, names.computeIfAbsent(
                server.applicationId(), id -> UiViews.name(deps.applications().find(id).orElse(null), id)))).toList();
    }

    private void mail(Context ctx) {
        Server server = visibleServer(ctx);
        ui.render(ctx, "mail.jte", "server", server);
    }

    private void dns(Context ctx) {
        Server server = visibleServer(ctx);
        DnsReport report = dns.run(server, deps.servers().addresses(server.id()));
        Map<String, List<Finding>> byCheck = report.findings().stream().collect(Collectors.groupingBy(Finding::check,
                LinkedHashMap::new, Collectors.toList()));
        List<UiViews.DnsGroup> groups = new ArrayList<>();
        byCheck.forEach((check, findings) -> groups.add(new UiViews.DnsGroup(check, findings.stream()
                .sorted(Comparator.comparingInt(CustomerPageRoutes::rank)).toList())));
        ui.render(ctx, "dns.jte", "server", server, "report", report, "groups", groups);
    }

    private static int rank(Finding finding) {
        return switch (finding.severity()) {
            case FAIL -> 0;
            case UNCHECKED -> 1;
            case WARN -> 2;
            case OK -> 3;
        };
    }

    private void packagePage(Context ctx) {
        Server server = visibleServer(ctx);
        showPackage(ctx, server, null, 200);
    }

    private void requestChange(Context ctx) {
        Principal principal = Access.user(ctx);
        Server server = visibleServer(ctx);
        PackageChangeKind kind;
        try {
            kind = PackageChangeKind.fromCode(ctx.formParam("kind"));
        } catch (IllegalArgumentException unknown) {
            throw ApiException.invalid("kind", "one of the offered package changes");
        }
        if (kind == PackageChangeKind.UPGRADE_CPU_RAM_STORAGE && ctx.formParam("confirm_storage") == null) {
            // The storage rule (PKG-3) is explained on the page; the box says it was read.
            showPackage(ctx, server, ui.view(ctx).t("package.confirm.missing"), 422);
            return;
        }
        try {
            deps.changes().request(principal.actor(), server.id(), kind);
        } catch (PackageChangeRefusedException refused) {
            showPackage(ctx, server, refused.refusal().reason().in(ui.language(ctx)), 422);
            return;
        }
        ctx.redirect("/servers/" + server.id() + "/package?requested=" + kind.code(), HttpStatus.SEE_OTHER);
    }

    private void showPackage(Context ctx, Server server, String refusal, int status) {
        View view = ui.view(ctx);
        Language language = view.lang();
        List<PackageChange> changes = deps.changes().forServer(server.id());
        Set<PackageChangeKind> open = changes.stream().filter(c -> c.state().isOpen()).map(PackageChange::kind)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(PackageChangeKind.class)));
        List<UiViews.ChangeOption> options = new ArrayList<>();
        for (PackageChangeKind kind : PackageChangeKind.values()) {
            Set<PackageChangeKind> others = EnumSet.noneOf(PackageChangeKind.class);
            others.addAll(open);
            Decision decision = RULES.decide(server.packageState(), kind, others);
            options.add(new UiViews.ChangeOption(kind, decision instanceof Decision.Refused refused
                    ? refused.reason().in(language) : null));
        }
        Application application = deps.applications().find(server.applicationId()).orElse(null);
        String requested = ctx.queryParam("requested");
        ctx.status(status);
        ui.render(ctx, view, "package.jte", "server", server, "application", application, "addresses",
                deps.servers().addresses(server.id()), "changes", changes, "options", options, "refusal",
                refusal == null ? "" : refusal, "requested", requested == null ? "" : requested, "benchmarkRuns",
                BenchmarkViews.runs(view, benchmarks.forServer(server.id(), BENCHMARK_RUNS)));
    }

    private Server visibleServer(Context ctx) {
        Principal principal = Access.user(ctx);
        long id = id(ctx);
        Server server = deps.servers().find(id).orElseThrow(() -> ApiException.notFound("server", id));
        Access.ownCustomer(principal, server.customerId(), "server", id);
        return server;
    }

    static long id(Context ctx) {
        try {
            long id = Long.parseLong(ctx.pathParam("id"));
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // Fall through: a malformed id is as unknown as a missing one.
        }
        throw ApiException.notFound("object", ctx.pathParam("id"));
    }

    /** The severity as a CSS class and message key suffix. */
    public static String severity(Severity severity) {
        return severity.name().toLowerCase(java.util.Locale.ROOT);
    }
}
