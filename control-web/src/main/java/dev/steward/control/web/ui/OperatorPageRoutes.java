package dev.steward.control.web.ui;

import dev.steward.control.core.Customer;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.change.PackageChange;
import dev.steward.control.core.change.RequestState;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.core.fleet.ServerRole;
import dev.steward.control.store.AuditEntry;
import dev.steward.control.store.Page;
import dev.steward.control.store.ServerQuery;
import dev.steward.control.store.ServerRegistration;
import dev.steward.control.web.api.Access;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.api.ApiException;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operators' pages: the fleet overview (filters, search, keyset pages of 50 from the store, so
 * it costs the same at server 9,950 as at server 1), server registration, the catalogue with the
 * package specifications, request approval, and the audit log. Every route is operator-only: a
 * customer gets 403, an anonymous reader the login form.
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class OperatorPageRoutes {

    private static final int FLEET_PAGE = 50;
    private static final int LIST_PAGE = 100;
    private static final ZoneId PROVIDER_ZONE = Customer.DEFAULT_ZONE;

    private final ApiDependencies deps;
    private final Ui ui;

    private OperatorPageRoutes(ApiDependencies deps, Ui ui) {
        this.deps = deps;
        this.ui = ui;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps, Ui ui) {
        OperatorPageRoutes handlers = new OperatorPageRoutes(deps, ui);
        routes.get("/operator/servers", handlers::fleet);
        routes.get("/operator/servers/new", handlers::newServer);
        routes.post("/operator/servers", handlers::registerServer);
        routes.get("/operator/applications", handlers::catalogue);
        routes.post("/operator/applications", handlers::createApplication);
        routes.get("/operator/applications/{slug}", handlers::editApplication);
        routes.post("/operator/applications/{slug}", handlers::updateApplication);
        routes.get("/operator/requests", handlers::requests);
        routes.post("/operator/requests/{id}/{action}", handlers::decide);
        routes.get("/operator/audit", handlers::audit);
    }

    private void fleet(Context ctx) {
        Access.operator(ctx);
        Long customerId = number(ctx.queryParam("customer"));
        Long applicationId = number(ctx.queryParam("application"));
        String roleText = ctx.queryParam("role");
        ServerRole role = roleText == null || roleText.isBlank() ? null : parseRole(roleText);
        String search = ctx.queryParam("q");
        String cursor = ctx.queryParam("cursor");
        ServerQuery query = new ServerQuery(customerId, applicationId, role, search,
                cursor == null || cursor.isBlank() ? null : cursor, FLEET_PAGE);
        Page<Server> page = deps.servers().search(query);
        List<Application> applications = deps.applications().list();
        Map<Long, String> applicationNames = new HashMap<>();
        applications.forEach(application -> applicationNames.put(application.id(), application.name()));
        List<Customer> customers = deps.customers().list();
        Map<Long, String> customerNames = new HashMap<>();
        customers.forEach(customer -> customerNames.put(customer.id(), customer.name()));
        List<UiViews.ServerRow> rows = page.items().stream().map(server -> new UiViews.ServerRow(server,
                applicationNames.getOrDefault(server.applicationId(), "#" + server.applicationId()))).toList();
        String filter = "customer=" + (customerId == null ? "" : customerId) + "&application="
                + (applicationId == null ? "" : applicationId) + "&role=" + (role == null ? "" : role.nameCode())
                + "&q=" + URLEncoder.encode(query.search() == null ? "" : query.search(), StandardCharsets.UTF_8);
        ui.render(ctx, "fleet.jte", "rows", rows, "customers", customers, "customerNames", customerNames,
                "applications", applications, "customerId", customerId == null ? 0L : customerId,
                "applicationId", applicationId == null ? 0L : applicationId,
                "role", role == null ? "" : role.nameCode(), "search", query.search() == null ? "" : query.search(),
                "total", page.total(), "nextCursor", page.nextCursor() == null ? "" : page.nextCursor(),
                "paged", query.cursor() != null, "filter", filter);
    }

    private static ServerRole parseRole(String text) {
        for (ServerRole role : ServerRole.values()) {
            if (role.nameCode().equals(text) || role.name().equalsIgnoreCase(text)) {
                return role;
            }
        }
        throw ApiException.invalid("role", "prd or tst");
    }

    private void newServer(Context ctx) {
        Access.operator(ctx);
        showServerForm(ctx, "", 200);
    }

    private void showServerForm(Context ctx, String error, int status) {
        ctx.status(status);
        ui.render(ctx, "serverNew.jte", "customers", deps.customers().list(), "applications",
                deps.applications().list(), "error", error, "domain", deps.providerDomain(), "form",
                new FormValues(ctx));
    }

    private void registerServer(Context ctx) {
        Principal operator = Access.operator(ctx);
        Server created;
        try {
            ServerName name = ServerName.parse(required(ctx, "name"));
            if (!name.domain().equals(deps.providerDomain())) {
                throw new IllegalArgumentException("the server name must end in the provider domain "
                        + deps.providerDomain());
            }
            long customerId = requiredNumber(ctx, "customer");
            long applicationId = requiredNumber(ctx, "application");
            if (deps.customers().find(customerId).isEmpty() || deps.applications().find(applicationId).isEmpty()) {
                throw new IllegalArgumentException("choose an existing customer and application");
            }
            Server server = Server.register(name, customerId, applicationId, required(ctx, "app_host"));
            created = deps.servers().register(operator.actor(), new ServerRegistration(server, required(ctx, "ipv4"),
                    required(ctx, "ipv6")));
        } catch (IllegalArgumentException invalid) {
            showServerForm(ctx, invalid.getMessage(), 400);
            return;
        } catch (dev.steward.control.store.DuplicateNameException duplicate) {
            showServerForm(ctx, duplicate.getMessage(), 409);
            return;
        }
        ctx.redirect("/operator/servers?q=" + URLEncoder.encode(created.name().toString(), StandardCharsets.UTF_8),
                HttpStatus.SEE_OTHER);
    }

    private void catalogue(Context ctx) {
        Access.operator(ctx);
        showCatalogue(ctx, "", 200);
    }

    private void showCatalogue(Context ctx, String error, int status) {
        ctx.status(status);
        ui.render(ctx, "applications.jte", "applications", deps.applications().list(), "error", error, "form",
                new FormValues(ctx));
    }

    private void createApplication(Context ctx) {
        Principal operator = Access.operator(ctx);
        Application created;
        try {
            created = deps.applications().create(operator.actor(), application(ctx, 0, required(ctx, "slug")));
        } catch (IllegalArgumentException invalid) {
            showCatalogue(ctx, invalid.getMessage(), 400);
            return;
        } catch (dev.steward.control.store.DuplicateNameException duplicate) {
            showCatalogue(ctx, duplicate.getMessage(), 409);
            return;
        }
        ctx.redirect("/operator/applications/" + created.slug() + "?saved=1", HttpStatus.SEE_OTHER);
    }

    private void editApplication(Context ctx) {
        Access.operator(ctx);
        showApplication(ctx, findApplication(ctx), "", 200);
    }

    private void showApplication(Context ctx, Application application, String error, int status) {
        ctx.status(status);
        ui.render(ctx, "applicationEdit.jte", "application", application, "error", error, "saved",
                ctx.queryParam("saved") != null);
    }

    private void updateApplication(Context ctx) {
        Principal operator = Access.operator(ctx);
        Application existing = findApplication(ctx);
        try {
            deps.applications().update(operator.actor(), application(ctx, existing.id(), existing.slug()));
        } catch (IllegalArgumentException invalid) {
            showApplication(ctx, existing, invalid.getMessage(), 400);
            return;
        }
        ctx.redirect("/operator/applications/" + existing.slug() + "?saved=1", HttpStatus.SEE_OTHER);
    }

    private Application findApplication(Context ctx) {
        String slug = ctx.pathParam("slug");
        return deps.applications().findBySlug(slug).orElseThrow(() -> ApiException.notFound("application", slug));
    }

    private static Application application(Context ctx, long id, String slug) {
        Map<Tier, PackageSpec> specs = new EnumMap<>(Tier.class);
        for (Tier tier : Tier.values()) {
            String prefix = tier.code() + "_";
            specs.put(tier, new PackageSpec(tier, (int) requiredNumber(ctx, prefix + "vcpu"),
                    (int) requiredNumber(ctx, prefix + "ram_mib"), (int) requiredNumber(ctx, prefix + "storage_gib")));
        }
        String scheme = ctx.formParam("version_scheme");
        String version = ctx.formParam("current_version");
        return new Application(id, slug, required(ctx, "name"),
                VersionScheme.valueOf((scheme == null || scheme.isBlank() ? "semver" : scheme).toUpperCase(Locale.ROOT)),
                version == null || version.isBlank() ? null : version.strip(), specs);
    }

    private void requests(Context ctx) {
        Access.operator(ctx);
        String stateText = ctx.queryParam("state");
        RequestState state;
        if (stateText == null) {
            state = RequestState.REQUESTED;
        } else if (stateText.isBlank() || stateText.equals("all")) {
            state = null;
        } else {
            try {
                state = RequestState.valueOf(stateText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                throw ApiException.invalid("state", "requested, approved, refused, scheduled, done or all");
            }
        }
        Long before = number(ctx.queryParam("cursor"));
        List<PackageChange> page = deps.changes().list(null, state, before, LIST_PAGE);
        Map<Long, String> serverNames = new HashMap<>();
        List<UiViews.ChangeRow> rows = page.stream().map(change -> new UiViews.ChangeRow(change,
                serverNames.computeIfAbsent(change.serverId(), serverId -> deps.servers().find(serverId)
                        .map(server -> server.name().toString()).orElse("#" + serverId)))).toList();
        String next = page.size() == LIST_PAGE ? Long.toString(page.getLast().id()) : "";
        ui.render(ctx, "requests.jte", "rows", rows, "state", state == null ? "all" : state.name()
                .toLowerCase(Locale.ROOT), "nextCursor", next);
    }

    private void decide(Context ctx) {
        Principal operator = Access.operator(ctx);
        long id = CustomerPageRoutes.id(ctx);
        deps.changes().find(id).orElseThrow(() -> ApiException.notFound("package change", id));
        switch (ctx.pathParam("action")) {
            case "approve" -> deps.changes().approve(operator.actor(), id);
            case "refuse" -> deps.changes().refuse(operator.actor(), id, required(ctx, "reason"));
            case "schedule" -> deps.changes().schedule(operator.actor(), id, when(required(ctx, "scheduled_for")));
            case "done" -> {
                String address = ctx.formParam("assigned_address");
                deps.changes().complete(operator.actor(), id, address == null || address.isBlank() ? null
                        : address.strip());
            }
            default -> throw ApiException.notFound("action", ctx.pathParam("action"));
        }
        String back = ctx.formParam("back");
        ctx.redirect(Ui.isLocalPath(back) ? back : "/operator/requests", HttpStatus.SEE_OTHER);
    }

    /** A {@code datetime-local} value, read in the provider's time zone (Europe/Brussels). */
    private static java.time.Instant when(String text) {
        try {
            return LocalDateTime.parse(text).atZone(PROVIDER_ZONE).toInstant();
        } catch (DateTimeParseException invalid) {
            throw ApiException.invalid("scheduled_for", "a date and time like 2030-01-07T05:00");
        }
    }

    private void audit(Context ctx) {
        Access.operator(ctx);
        Long before = number(ctx.queryParam("cursor"));
        List<AuditEntry> page = deps.audit().page(before, LIST_PAGE);
        String next = page.size() == LIST_PAGE ? Long.toString(page.getLast().id()) : "";
        ui.render(ctx, "audit.jte", "entries", page, "nextCursor", next);
    }

    private static Long number(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Long.valueOf(text.strip());
        } catch (NumberFormatException invalid) {
            throw new ApiException(400, "validation_failed", "not a number: " + text);
        }
    }

    static String required(Context ctx, String field) {
        String value = ctx.formParam(field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value.strip();
    }

    private static long requiredNumber(Context ctx, String field) {
        try {
            return Long.parseLong(required(ctx, field));
        } catch (NumberFormatException invalid) {
            throw new IllegalArgumentException(field + " must be a whole number");
        }
    }

    /**
     * The submitted form's values, so a refused form comes back filled in.
     *
     * <p>Thread safety: one request.
     */
    public static final class FormValues {
        private final Context ctx;

        FormValues(Context ctx) {
            this.ctx = ctx;
        }

        /** The submitted value of {@code field}, or the empty string. */
        public String get(String field) {
            String value = ctx.method().name().equals("POST") ? ctx.formParam(field) : null;
            return value == null ? "" : value;
        }
    }
}
