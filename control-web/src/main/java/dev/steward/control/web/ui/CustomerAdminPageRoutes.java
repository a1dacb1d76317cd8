package dev.steward.control.web.ui;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.ScheduleOverride;
import dev.steward.control.core.maintenance.WeeklyWindow;
import dev.steward.control.store.Account;
import dev.steward.control.store.Blackout;
import dev.steward.control.store.DuplicateNameException;
import dev.steward.control.store.TokenHash;
import dev.steward.control.web.api.Access;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.api.ApiException;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The operators' pages for customers: the list with a form for a new customer, and one page per
 * customer with its details, its accounts (a new account gets a password the operator types or one
 * generated and shown once), its maintenance windows (overrides of the fleet's, MAINT-1/MAINT-2)
 * and its blackout dates and those of its servers. Every route is operator-only: a customer gets
 * 403, an anonymous reader the login form.
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class CustomerAdminPageRoutes {

    private final ApiDependencies deps;
    private final Ui ui;

    private CustomerAdminPageRoutes(ApiDependencies deps, Ui ui) {
        this.deps = deps;
        this.ui = ui;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps, Ui ui) {
        CustomerAdminPageRoutes handlers = new CustomerAdminPageRoutes(deps, ui);
        routes.get("/operator/customers", handlers::list);
        routes.post("/operator/customers", handlers::create);
        routes.get("/operator/customers/{id}", handlers::show);
        routes.post("/operator/customers/{id}", handlers::update);
        routes.post("/operator/customers/{id}/accounts", handlers::createAccount);
        routes.post("/operator/customers/{id}/accounts/{account}/{action}", handlers::accountAction);
        routes.post("/operator/customers/{id}/windows", handlers::setWindows);
        routes.post("/operator/customers/{id}/blackouts", handlers::addBlackout);
        routes.post("/operator/customers/{id}/blackouts/{blackout}/delete", handlers::removeBlackout);
    }

    private void list(Context ctx) {
        Access.operator(ctx);
        showList(ctx, "", 200);
    }

    private void showList(Context ctx, String error, int status) {
        ctx.status(status);
        ui.render(ctx, "customers.jte", "customers", deps.customers().list(), "error", error, "form",
                new OperatorPageRoutes.FormValues(ctx));
    }

    private void create(Context ctx) {
        Principal operator = Access.operator(ctx);
        Customer created;
        try {
            created = deps.customers().create(operator.actor(), customer(ctx, 0));
        } catch (IllegalArgumentException invalid) {
            showList(ctx, invalid.getMessage(), 400);
            return;
        } catch (DuplicateNameException duplicate) {
            showList(ctx, duplicate.getMessage(), 409);
            return;
        }
        ctx.redirect("/operator/customers/" + created.id() + "?saved=1", HttpStatus.SEE_OTHER);
    }

    private void show(Context ctx) {
        Access.operator(ctx);
        showCustomer(ctx, find(ctx), "", "", 200);
    }

    /**
     * Renders one customer's page.
     *
     * @param error what was refused, or empty
     * @param notice what was done that the operator must see once (a generated password), or empty
     */
    private void showCustomer(Context ctx, Customer customer, String error, String notice, int status) {
        ctx.status(status);
        List<Account> accounts = deps.accounts().list().stream()
                .filter(account -> Long.valueOf(customer.id()).equals(account.customerId())).toList();
        MaintenanceSchedule fleet = deps.maintenance().fleet();
        ScheduleOverride override = deps.maintenance().override(customer.id());
        List<Blackout> blackouts = deps.maintenance().blackoutsOfCustomer(customer.id(), LocalDate.now(fleet.zone()));
        List<UiViews.ServerLink> servers = deps.servers().search(new dev.steward.control.store.ServerQuery(customer.id(),
                null, null, null, null, 500)).items().stream()
                .map(server -> new UiViews.ServerLink(server.id(), server.name().toString(), server.appHost())).toList();
        ui.render(ctx, "customerEdit.jte", "customer", customer, "accounts", accounts, "fleet", fleet,
                "override", new UiViews.WindowOverride(override.os().map(WeeklyWindow::text).orElse(""),
                        override.app().map(WeeklyWindow::text).orElse(""),
                        override.zone().map(ZoneId::getId).orElse("")),
                "blackouts", blackouts, "servers", servers, "error", error, "notice", notice,
                "saved", ctx.queryParam("saved") != null, "form", new OperatorPageRoutes.FormValues(ctx));
    }

    private void update(Context ctx) {
        Principal operator = Access.operator(ctx);
        Customer existing = find(ctx);
        try {
            deps.customers().update(operator.actor(), customer(ctx, existing.id()));
        } catch (IllegalArgumentException invalid) {
            showCustomer(ctx, existing, invalid.getMessage(), "", 400);
            return;
        } catch (DuplicateNameException duplicate) {
            showCustomer(ctx, existing, duplicate.getMessage(), "", 409);
            return;
        }
        ctx.redirect("/operator/customers/" + existing.id() + "?saved=1", HttpStatus.SEE_OTHER);
    }

    private void createAccount(Context ctx) {
        Principal operator = Access.operator(ctx);
        Customer customer = find(ctx);
        String typed = ctx.formParam("password");
        boolean generate = typed == null || typed.isEmpty();
        // 24 characters of the token alphabet: far above the password rules, and shown only once.
        String password = generate ? TokenHash.newToken().substring(0, 24) : typed;
        Account created;
        try {
            created = deps.admin().create(operator.actor(), OperatorPageRoutes.required(ctx, "login"),
                    Account.Role.CUSTOMER, customer.id(), password);
        } catch (IllegalArgumentException invalid) {
            showCustomer(ctx, customer, invalid.getMessage(), "", 400);
            return;
        } catch (DuplicateNameException duplicate) {
            showCustomer(ctx, customer, duplicate.getMessage(), "", 409);
            return;
        }
        String notice = generate
                ? ui.view(ctx).t("customers.account_created_generated", created.login(), password)
                : ui.view(ctx).t("customers.account_created", created.login());
        showCustomer(ctx, customer, "", notice, 201);
    }

    private void accountAction(Context ctx) {
        Principal operator = Access.operator(ctx);
        Customer customer = find(ctx);
        long accountId = number(ctx.pathParam("account"), "account");
        Account account = deps.accounts().find(accountId)
                .filter(found -> Long.valueOf(customer.id()).equals(found.customerId()))
                .orElseThrow(() -> ApiException.notFound("account", accountId));
        switch (ctx.pathParam("action")) {
            case "disable" -> deps.accounts().setDisabled(operator.actor(), account.id(), true);
            case "enable" -> deps.accounts().setDisabled(operator.actor(), account.id(), false);
            default -> throw ApiException.notFound("action", ctx.pathParam("action"));
        }
        ctx.redirect("/operator/customers/" + customer.id() + "?saved=1", HttpStatus.SEE_OTHER);
    }

    private void setWindows(Context ctx) {
        Principal operator = Access.operator(ctx);
        Customer customer = find(ctx);
        ScheduleOverride override;
        try {
            override = new ScheduleOverride(optional(ctx, "window_zone").map(CustomerAdminPageRoutes::zone),
                    optional(ctx, "os_window").map(WeeklyWindow::parse),
                    optional(ctx, "app_window").map(WeeklyWindow::parse));
        } catch (IllegalArgumentException invalid) {
            showCustomer(ctx, customer, invalid.getMessage(), "", 400);
            return;
        }
        deps.maintenance().setOverride(operator.actor(), customer.id(), override);
        ctx.redirect("/operator/customers/" + customer.id() + "?saved=1#windows", HttpStatus.SEE_OTHER);
    }

    private void addBlackout(Context ctx) {
        Principal operator = Access.operator(ctx);
        Customer customer = find(ctx);
        try {
            LocalDate first = date(OperatorPageRoutes.required(ctx, "first_day"), "first_day");
            Optional<String> last = optional(ctx, "last_day");
            Long serverId = optional(ctx, "server").map(text -> number(text, "server")).orElse(null);
            if (serverId != null && deps.servers().find(serverId)
                    .filter(server -> server.customerId() == customer.id()).isEmpty()) {
                throw new IllegalArgumentException("choose one of this customer's servers");
            }
            deps.maintenance().addBlackout(operator.actor(), serverId == null ? customer.id() : null, serverId, first,
                    last.isEmpty() ? first : date(last.get(), "last_day"), OperatorPageRoutes.required(ctx, "reason"));
        } catch (IllegalArgumentException invalid) {
            showCustomer(ctx, customer, invalid.getMessage(), "", 400);
            return;
        }
        ctx.redirect("/operator/customers/" + customer.id() + "?saved=1#blackouts", HttpStatus.SEE_OTHER);
    }

    private void removeBlackout(Context ctx) {
        Principal operator = Access.operator(ctx);
        Customer customer = find(ctx);
        long blackoutId = number(ctx.pathParam("blackout"), "blackout");
        // Only a blackout of this customer or one of its servers: an id from elsewhere is not found.
        boolean ours = deps.maintenance().blackoutsOfCustomer(customer.id(), LocalDate.MIN).stream()
                .anyMatch(blackout -> blackout.id() == blackoutId);
        if (!ours || !deps.maintenance().removeBlackout(operator.actor(), blackoutId)) {
            throw ApiException.notFound("blackout", blackoutId);
        }
        ctx.redirect("/operator/customers/" + customer.id() + "?saved=1#blackouts", HttpStatus.SEE_OTHER);
    }

    private Customer find(Context ctx) {
        long id = number(ctx.pathParam("id"), "customer");
        return deps.customers().find(id).orElseThrow(() -> ApiException.notFound("customer", id));
    }

    private static Customer customer(Context ctx, long id) {
        List<String> contacts = Arrays.stream(OperatorPageRoutes.required(ctx, "contacts").split("[,;\\s]+"))
                .filter(contact -> !contact.isBlank()).toList();
        String language = OperatorPageRoutes.required(ctx, "language");
        Language parsed;
        try {
            parsed = Language.fromCode(language);
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("language must be nl or en, not " + language);
        }
        ZoneId zone = optional(ctx, "time_zone").map(CustomerAdminPageRoutes::zone).orElse(Customer.DEFAULT_ZONE);
        return new Customer(id, OperatorPageRoutes.required(ctx, "name"), contacts, parsed, zone);
    }

    private static ZoneId zone(String text) {
        try {
            return ZoneId.of(text);
        } catch (DateTimeException unknown) {
            throw new IllegalArgumentException("not a time zone (an IANA name such as Europe/Brussels): " + text);
        }
    }

    private static LocalDate date(String text, String field) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeException invalid) {
            throw new IllegalArgumentException(field + " must be a date like 2027-01-04");
        }
    }

    private static Optional<String> optional(Context ctx, String field) {
        String value = ctx.formParam(field);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static long number(String text, String what) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException invalid) {
            throw ApiException.notFound(what, text);
        }
    }
}
