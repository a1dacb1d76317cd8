package dev.steward.control.web.api;

import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/v1/applications}: the catalogue with the package specs (SPEC-1). Everyone
 * authenticated reads it; operators publish and update.
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class CatalogueRoutes {

    private final ApiDependencies deps;

    private CatalogueRoutes(ApiDependencies deps) {
        this.deps = deps;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        CatalogueRoutes handlers = new CatalogueRoutes(deps);
        routes.get("/api/v1/applications", handlers::list);
        routes.post("/api/v1/applications", handlers::create);
        routes.get("/api/v1/applications/{slug}", handlers::get);
        routes.put("/api/v1/applications/{slug}", handlers::update);
    }

    private void list(Context ctx) {
        Access.user(ctx);
        var items = deps.applications().list().stream().map(ApiViews.ApplicationView::of).toList();
        ctx.json(new ApiViews.PageView<>(items, null, (long) items.size()));
    }

    private void get(Context ctx) {
        Access.user(ctx);
        ctx.json(ApiViews.ApplicationView.of(find(ctx.pathParam("slug"))));
    }

    private void create(Context ctx) {
        Principal operator = Access.operator(ctx);
        ApiViews.ApplicationBody body = ApiRequest.body(ctx, ApiViews.ApplicationBody.class);
        Application created = deps.applications().create(operator.actor(),
                application(0, ApiRequest.required(body.slug(), "slug"), body));
        ctx.status(201).json(ApiViews.ApplicationView.of(created));
    }

    private void update(Context ctx) {
        Principal operator = Access.operator(ctx);
        Application existing = find(ctx.pathParam("slug"));
        ApiViews.ApplicationBody body = ApiRequest.body(ctx, ApiViews.ApplicationBody.class);
        if (body.slug() != null && !body.slug().equals(existing.slug())) {
            throw ApiException.invalid("slug", "never changes once published");
        }
        Application updated = deps.applications().update(operator.actor(), application(existing.id(), existing.slug(), body));
        ctx.json(ApiViews.ApplicationView.of(updated));
    }

    private Application find(String slug) {
        return deps.applications().findBySlug(slug).orElseThrow(() -> ApiException.notFound("application", slug));
    }

    private static Application application(long id, String slug, ApiViews.ApplicationBody body) {
        Map<String, ApiViews.SpecBody> packages = ApiRequest.required(body.packages(), "packages");
        Map<Tier, PackageSpec> specs = new EnumMap<>(Tier.class);
        for (Map.Entry<String, ApiViews.SpecBody> entry : packages.entrySet()) {
            Tier tier = Tier.fromCode(entry.getKey());
            ApiViews.SpecBody spec = entry.getValue();
            String field = "packages." + tier.code();
            ApiRequest.required(spec, field);
            specs.put(tier, new PackageSpec(tier, ApiRequest.required(spec.vcpu(), field + ".vcpu"),
                    ApiRequest.required(spec.ramMib(), field + ".ram_mib"),
                    ApiRequest.required(spec.storageGib(), field + ".storage_gib")));
        }
        String scheme = body.versionScheme() == null ? "semver" : body.versionScheme();
        return new Application(id, slug, ApiRequest.required(body.name(), "name"),
                VersionScheme.valueOf(scheme.toUpperCase(Locale.ROOT)), body.currentVersion(), specs);
    }
}
