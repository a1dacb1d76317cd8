package dev.steward.control.web.ui;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.web.api.Access;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.api.ApiException;
import dev.steward.control.web.api.CalendarRoutes;
import dev.steward.control.web.auth.Principal;
import dev.steward.control.web.notify.CustomerCalendar;
import dev.steward.control.web.notify.MaintenanceTexts;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;

/**
 * The customer's "upcoming maintenance" page ({@code /maintenance}): the planned windows of the
 * customer's servers in the customer's zone (application updates and the weekly OS windows, as in
 * the iCal feed), the maintenance policy in words (MAINT-1..MAINT-4, UPD-3/UPD-4) with the
 * customer's effective windows, and the feed address.
 *
 * <p>The feed's secret is stored only as a hash, so the address is shown once, right after
 * {@code POST /maintenance/calendar-token} made it (a plain form with the session's CSRF token; no
 * JavaScript); afterwards the page says an address exists and offers to replace it.
 *
 * <p>A customer sees their own customer's page; an operator opens any customer's with
 * {@code ?customer=ID} (without it, the fleet page). Another customer's id is 404.
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class MaintenancePageRoutes {

    /**
     * One line of the page.
     *
     * @param when the window in the customer's zone and language
     * @param kind {@code os}, {@code app} or {@code emergency} (CSS class and message key)
     * @param title what happens
     * @param servers the app hosts concerned, comma-separated
     * @param cves the CVE ids of a security fix, comma-separated, or empty
     */
    public record Row(String when, String kind, String title, String servers, String cves) {
    }

    private final ApiDependencies deps;
    private final Ui ui;

    private MaintenancePageRoutes(ApiDependencies deps, Ui ui) {
        this.deps = deps;
        this.ui = ui;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps, Ui ui) {
        MaintenancePageRoutes handlers = new MaintenancePageRoutes(deps, ui);
        routes.get("/maintenance", handlers::page);
        routes.post("/maintenance/calendar-token", handlers::newToken);
    }

    private void page(Context ctx) {
        Principal principal = Access.user(ctx);
        String chosen = ctx.queryParam("customer");
        if (principal.isOperator() && (chosen == null || chosen.isBlank())) {
            ctx.redirect("/operator/servers", HttpStatus.SEE_OTHER);
            return;
        }
        show(ctx, customer(principal, chosen), "");
    }

    private void newToken(Context ctx) {
        Principal principal = Access.user(ctx);
        String chosen = ctx.formParam("customer");
        if (principal.isOperator() && (chosen == null || chosen.isBlank())) {
            throw ApiException.invalid("customer", "the customer whose feed address to make");
        }
        Customer customer = customer(principal, chosen);
        String token = deps.customerCalendar().repository().issueToken(principal.actor(), customer.id());
        show(ctx, customer, CalendarRoutes.baseUrl(ctx) + CalendarRoutes.feedPath(token));
    }

    /** The customer the page is about: the account's own, or (operators) the one asked for. */
    private Customer customer(Principal principal, String chosen) {
        long id;
        if (chosen == null || chosen.isBlank()) {
            id = principal.customerId();
        } else {
            try {
                id = Long.parseLong(chosen.strip());
            } catch (NumberFormatException malformed) {
                throw ApiException.notFound("customer", chosen);
            }
        }
        long key = id;
        Access.ownCustomer(principal, key, "customer", key);
        return deps.customers().find(key).orElseThrow(() -> ApiException.notFound("customer", key));
    }

    private void show(Context ctx, Customer customer, String feedUrl) {
        View view = ui.view(ctx);
        Language language = view.lang();
        CustomerCalendar calendar = deps.customerCalendar();
        List<Row> rows = calendar.upcoming(customer).stream().map(entry -> new Row(
                MaintenanceTexts.window(entry.start(), entry.end(), customer.timeZone(), language),
                entry.kind().token(),
                entry.update() == null ? view.t("maintenance.os.title")
                        : view.t(entry.update().security() ? "maintenance.update.security" : "maintenance.update.title",
                                entry.update().applicationName(), versions(view, entry.update().previousVersion(),
                                        entry.update().version())),
                String.join(", ", entry.appHosts()),
                entry.update() == null ? "" : String.join(", ", entry.update().cveIds()))).toList();
        MaintenanceSchedule schedule = calendar.schedule(customer);
        ui.render(ctx, view, "maintenance.jte", "customer", customer, "rows", rows,
                "osWindow", MaintenanceTexts.weekly(schedule.os(), schedule.zone(), language),
                "appWindow", MaintenanceTexts.weekly(schedule.app(), schedule.zone(), language),
                "standard", schedule.equals(MaintenanceSchedule.DEFAULT),
                "hasFeed", !feedUrl.isEmpty() || calendar.repository().hasToken(customer.id()),
                "feedUrl", feedUrl, "forOperator", view.isOperator(),
                "zone", customer.timeZone().getId(), "osKind", WindowKind.OS.token());
    }

    private static String versions(View view, String previous, String version) {
        return previous == null ? view.t("maintenance.update.to", version)
                : view.t("maintenance.update.from_to", previous, version);
    }
}
