package dev.steward.control.web.api;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * {@code /api/v1/customers}: operators list and create; a customer account may read its own
 * customer record (another's is 404).
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class CustomerRoutes {

    private final ApiDependencies deps;

    private CustomerRoutes(ApiDependencies deps) {
        this.deps = deps;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        CustomerRoutes handlers = new CustomerRoutes(deps);
        routes.get("/api/v1/customers", handlers::list);
        routes.post("/api/v1/customers", handlers::create);
        routes.get("/api/v1/customers/{id}", handlers::get);
    }

    private void list(Context ctx) {
        Access.operator(ctx);
        var items = deps.customers().list().stream().map(ApiViews.CustomerView::of).toList();
        ctx.json(new ApiViews.PageView<>(items, null, (long) items.size()));
    }

    private void create(Context ctx) {
        Principal operator = Access.operator(ctx);
        ApiViews.CustomerBody body = ApiRequest.body(ctx, ApiViews.CustomerBody.class);
        ZoneId zone = Customer.DEFAULT_ZONE;
        if (body.timeZone() != null) {
            try {
                zone = ZoneId.of(body.timeZone());
            } catch (DateTimeException bad) {
                throw ApiException.invalid("time_zone", "not a time zone: " + body.timeZone());
            }
        }
        Customer customer = new Customer(0, ApiRequest.required(body.name(), "name"),
                ApiRequest.required(body.contacts(), "contacts"),
                Language.fromCode(ApiRequest.required(body.language(), "language")), zone);
        Customer created = deps.customers().create(operator.actor(), customer);
        ctx.status(201).json(ApiViews.CustomerView.of(created));
    }

    private void get(Context ctx) {
        Principal principal = Access.user(ctx);
        long id = ApiRequest.id(ctx, "id", "customer");
        Access.ownCustomer(principal, id, "customer", id);
        Customer customer = deps.customers().find(id).orElseThrow(() -> ApiException.notFound("customer", id));
        ctx.json(ApiViews.CustomerView.of(customer));
    }
}
